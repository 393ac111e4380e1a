/**
 * Managing API tokens, as one interface with two implementations: `StoreTokenAdmin` (src/server/
 * tokens.ts; on the store directly — how the first admin token is made, on the server's machine) and
 * `HttpClient` (through the server's admin routes). `strata token` is written once against it.
 */
import type { Role } from '../model/index.js';
import type { TokenRecord } from '../store/store.js';

/** A token as it is shown: everything but its hash. */
export type TokenView = Omit<TokenRecord, 'hash'>;

export interface NewTokenRequest {
  role: Role;
  /** Default `<role>-<id>`. */
  name?: string;
  /** Epoch ms; absent = never expires. */
  expiresAt?: number;
}

/** A new token: the secret (`token`), shown this once and never stored, and its record. */
export interface IssuedToken extends TokenView {
  /** `strata_<id>_<secret>`: what clients send as `Authorization: Bearer ...`. */
  token: string;
}

export interface TokenAdmin {
  createToken(request: NewTokenRequest): Promise<IssuedToken>;
  listTokens(): Promise<TokenView[]>;
  /** Revokes a token (TOKEN_NOT_FOUND if there is none); revoking twice is no error. */
  revokeToken(id: string): Promise<TokenView>;
}
