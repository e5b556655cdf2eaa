import type { Session, WebContents } from 'electron';

type Guardable = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** The page never navigates away, opens windows or attaches webviews: it is a single page. */
export function hardenWebContents(contents: Guardable): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** A socket tool needs no camera, location, notifications or any other permission. */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
