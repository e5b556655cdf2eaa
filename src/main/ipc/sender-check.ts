import type { IpcMainInvokeEvent } from 'electron';
import type { SenderCheck } from './register-api';

/**
 * `scheme://host` of a URL. Node's URL reports origin "null" for custom schemes such as app://,
 * so the origin is built from its parts.
 */
export function urlOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

/**
 * Trust only the top frame of the app's own window, showing a page of the app's own origin: an
 * iframe, another window, or a page that navigated elsewhere may not call the engine.
 */
export function appSenderCheck(options: { windowContentsId: () => number | undefined; allowedOrigins: readonly string[] }): SenderCheck {
  return (event: IpcMainInvokeEvent) => {
    const expectedId = options.windowContentsId();
    if (expectedId === undefined || event.sender.id !== expectedId) return false;
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    const origin = urlOrigin(frame.url);
    return origin !== undefined && options.allowedOrigins.includes(origin);
  };
}
