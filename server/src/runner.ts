// Every request handler runs through here: an exception in one feature is logged and
// answered with a fallback instead of killing the server, and a cancelled request is
// answered as cancelled (the pattern of vscode's json-language-features runner).

import { type CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';

export type Logger = (message: string) => void;

export function formatError(message: string, err: unknown): string {
  if (err instanceof Error) return `${message}: ${err.message}\n${err.stack ?? ''}`;
  if (typeof err === 'string') return `${message}: ${err}`;
  return err ? `${message}: ${String(err)}` : message;
}

export function cancelValue<E>(): ResponseError<E> {
  return new ResponseError<E>(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

/**
 * Runs `func` on a later tick (so that a cancellation already on the wire is seen
 * first), catches what it throws, and honours cancellation before and after.
 * A `ResponseError` thrown on purpose (a rejected rename) is passed through.
 */
export function runSafe<T, E = void>(
  log: Logger,
  name: string,
  token: CancellationToken | undefined,
  fallback: T,
  func: () => T | Promise<T>,
): Promise<T | ResponseError<E>> {
  return new Promise((resolve) => {
    setImmediate(() => {
      if (token?.isCancellationRequested) return resolve(cancelValue());
      const done = (value: T) => resolve(token?.isCancellationRequested ? cancelValue() : value);
      const fail = (err: unknown) => {
        if (err instanceof ResponseError) return resolve(err as ResponseError<E>);
        log(formatError(`${name} failed`, err));
        resolve(fallback);
      };
      try {
        const r = func();
        if (r instanceof Promise) r.then(done, fail);
        else done(r);
      } catch (err) {
        fail(err);
      }
    });
  });
}

/** For notifications: catch and log, nothing to answer. */
export function runNotification(log: Logger, name: string, func: () => void | Promise<void>): void {
  try {
    const r = func();
    if (r instanceof Promise) r.catch((err) => log(formatError(`${name} failed`, err)));
  } catch (err) {
    log(formatError(`${name} failed`, err));
  }
}
