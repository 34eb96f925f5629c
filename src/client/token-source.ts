// Where the client's bearer token comes from: a fixed string, or a provider it asks before each (re)connect and on
// `token_expiring` (then it sends `refresh`). The token goes in `?token=`: browsers' WebSocket cannot send headers.

/** Returns a fresh token (a JWT), or a promise of one. */
export type TokenProvider = () => string | Promise<string>;

export class TokenSource {
  constructor(private readonly option: string | TokenProvider | undefined) {}

  /** Can it give a new token (a provider), or only the one it has? */
  get renewable(): boolean {
    return typeof this.option === 'function';
  }

  /**
   * Hand the token for now to `use` (null when none is set): at once unless the provider answers with a promise. A
   * provider that throws or rejects goes to `failed` instead.
   */
  withToken(use: (token: string | null) => void, failed: (error: unknown) => void): void {
    const o = this.option;
    let token: string | null | Promise<string>;
    try {
      token = o === undefined ? null : typeof o === 'string' ? o : o();
    } catch (error) {
      return failed(error);
    }
    if (token instanceof Promise) token.then(use, failed);
    else use(token);
  }

  /** `token_expiring`: a provider's new token for `refresh` (a fixed token cannot be renewed: nothing is sent). */
  renew(send: (token: string) => void, failed: (error: unknown) => void): void {
    if (this.renewable) this.withToken((token) => void (token !== null && send(token)), failed);
  }
}
