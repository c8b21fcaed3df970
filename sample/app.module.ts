import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { JwtAuthModule } from '../lib/index.js';
import { AppController } from './app.controller.js';
import { jwtSettingsFromEnv } from './jwt-settings.js';
import { PageController } from './page.controller.js';
import { PermissionsController } from './permissions.controller.js';
import { tokenProtocolFromEnv } from './simplejwt-settings.js';
import { UsersModule } from './users/users.module.js';

/**
 * The sample's root module, built from the environment when the app is created (not when this
 * file is imported): whether the JWKS endpoint exists depends on JWT_ALGORITHM.
 */
@Module({})
export class AppModule {
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Environment variables only, no .env file: `npm run users` reads the same ones.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        JwtAuthModule.forRootAsync({
          imports: [UsersModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const { options, generatedSecret } = jwtSettingsFromEnv((name) => config.get<string>(name));
            if (generatedSecret) {
              new Logger('JwtAuthModule').warn(
                'JWT_SECRET_KEY is not set: signing tokens with a random 64-byte secret made at start-up. ' +
                  'Tokens will stop working when the server restarts; set JWT_SECRET_KEY to keep them.',
              );
            }
            return options;
          },
          // Other services can verify the tokens whenever a key pair signs them.
          jwks: !(env.JWT_ALGORITHM ?? 'HS256').toUpperCase().startsWith('HS'),
          // JWT_TOKEN_PROTOCOL: djangorestframework-jwt's endpoints (default), simplejwt's, or both.
          tokenProtocol: tokenProtocolFromEnv((name) => env[name]),
        }),
      ],
      // PageController: GET /, a page that uses cookie mode (JWT_AUTH_COOKIE).
      // PermissionsController: /admin-url/, /optional-url/, /readonly-url/, /fresh-url/.
      controllers: [AppController, PageController, PermissionsController],
    };
  }
}
