import { describe, expect, it } from '@jest/globals';
import { extractBlocks, moduleOf } from '../../scripts/check-readme.mjs';

const fence = '```';

describe('check-readme: the README blocks it compiles', () => {
  const markdown = [
    '# Title', // 1
    '', // 2
    `${fence}ts`, // 3
    '// users/users.service.ts', // 4
    'export const a = 1;', // 5
    fence, // 6
    '<!-- readme-check: context', // 7
    "import { JwtAuthModule } from 'nest-rest-jwt';", // 8
    'class Example {', // 9
    '// @readme-block', // 10
    '}', // 11
    '-->', // 12
    '', // 13
    `${fence}ts`, // 14
    'method() {}', // 15
    fence, // 16
    '<!-- readme-check: skip (not ours) -->', // 17
    `${fence}ts`, // 18
    'broken(', // 19
    fence, // 20
    '<!-- readme-check: folder recipe -->', // 21
    'Some prose between: the directive is forgotten.', // 22
    `${fence}sh`, // 23
    'npm test', // 24
    fence, // 25
    `${fence}ts`, // 26
    '// app.module.ts and app.controller.ts: the rest', // 27
    fence, // 28
  ].join('\n');
  const blocks = extractBlocks(markdown);

  it('finds every ts block, with its first line and the directive just before it', () => {
    expect(blocks.map(({ line, directive }) => [line, directive])).toEqual([
      [4, undefined],
      [15, { context: ["import { JwtAuthModule } from 'nest-rest-jwt';", 'class Example {', '// @readme-block', '}'] }],
      [19, { skip: '(not ours)' }],
      [27, undefined],
    ]);
  });

  it('names a module after its file comment, else after its line', () => {
    expect(moduleOf(blocks[0]!).path).toBe('users/users.service.ts');
    expect(moduleOf(blocks[1]!).path).toBe('src/block-15.ts');
    expect(moduleOf(blocks[3]!).path).toBe('app.module.ts');
    expect(moduleOf({ ...blocks[3]!, directive: { folder: 'recipe' } }).path).toBe('recipe/app.module.ts');
  });

  it('places the block where the context says, and maps each line back to the README', () => {
    const module = moduleOf(blocks[1]!);
    expect(module.text).toBe(
      "import { JwtAuthModule } from 'nest-rest-jwt';\nclass Example {\nmethod() {}\n}\nexport {};\n",
    );
    expect(module.readmeLines).toEqual([undefined, undefined, 15, undefined, undefined]);
  });
});
