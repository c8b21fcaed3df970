import { JwtService } from '@nestjs/jwt';
import { JwtAuthService } from '../../lib/flows/jwt-auth.service.js';
import { LoginFlow } from '../../lib/flows/login.flow.js';
import { LogoutFlow } from '../../lib/flows/logout.flow.js';
import { RefreshRotation } from '../../lib/flows/refresh-rotation.js';
import { RefreshFlow } from '../../lib/flows/refresh.flow.js';
import { TokenAuthentication } from '../../lib/flows/token-authentication.js';
import { TokenRevocation } from '../../lib/flows/token-revocation.js';
import type { JwtAuthSettings } from '../../lib/settings/jwt-auth-settings.js';
import { jwtModuleOptions } from '../../lib/tokens/jwt-options.js';
import { TokenIssuer } from '../../lib/tokens/token-issuer.js';
import { TokenVerifier } from '../../lib/tokens/token-verifier.js';
import type { UserLookupService } from '../../lib/users/user-lookup.service.js';

/** JwtAuthService and its flows wired by hand, as the module wires them, without a Nest app. */
export function wireJwtAuthService<TUser extends object>(
  settings: JwtAuthSettings,
  users: UserLookupService<TUser>,
): JwtAuthService<TUser> {
  const issuer = new TokenIssuer<TUser>(settings, new JwtService(jwtModuleOptions(settings)), users);
  const revocation = new TokenRevocation(settings);
  const authentication = new TokenAuthentication<TUser>(
    settings,
    new TokenVerifier(settings),
    issuer,
    users,
    revocation,
  );
  return new JwtAuthService<TUser>(
    new LoginFlow(users),
    issuer,
    authentication,
    new RefreshFlow(settings, authentication, issuer, revocation, new RefreshRotation(settings, revocation)),
    new LogoutFlow(authentication, revocation, users),
  );
}
