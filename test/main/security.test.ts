import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, resolveBundlePath } from '../../src/main/app-protocol';
import { urlOrigin } from '../../src/main/ipc/sender-check';
import { denyPermissions, hardenWebContents } from '../../src/main/security';
import { CONTENT_SECURITY_POLICY, mimeType } from '../../src/shared/web-assets';

const root = path.resolve('/opt/socket-inspector/renderer');

describe('the window is locked down', () => {
  it('isolates the renderer: context isolation, sandbox, no Node (read from the window source)', () => {
    // The window cannot be created without the Electron binary, so its options are read from
    // the source as Electronegativity does, and must be literal values.
    const file = path.resolve('src/main/window.ts');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const windows: ts.NewExpression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === 'BrowserWindow') windows.push(node);
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(windows).toHaveLength(1);
    const options = windows[0]!.arguments?.[0];
    expect(options && ts.isObjectLiteralExpression(options)).toBe(true);
    const prefs = (options as ts.ObjectLiteralExpression).properties.find((p) => p.name?.getText() === 'webPreferences');
    expect(prefs && ts.isPropertyAssignment(prefs) && ts.isObjectLiteralExpression(prefs.initializer)).toBe(true);
    const values = new Map(
      ((prefs as ts.PropertyAssignment).initializer as ts.ObjectLiteralExpression).properties.map((p) => [
        p.name?.getText(),
        ts.isPropertyAssignment(p) ? p.initializer.getText() : '(not a literal)',
      ]),
    );
    expect(Object.fromEntries(values)).toMatchObject({
      contextIsolation: 'true',
      sandbox: 'true',
      nodeIntegration: 'false',
      nodeIntegrationInWorker: 'false',
      nodeIntegrationInSubFrames: 'false',
      webSecurity: 'true',
      allowRunningInsecureContent: 'false',
      experimentalFeatures: 'false',
      webviewTag: 'false',
      disableBlinkFeatures: "'Auxclick'",
    });
    expect(values.get('preload')).toBe("path.join(__dirname, '../preload/index.js')");
  });

  it('has a CSP that allows scripts only from the app and nothing inline', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values] as const;
    }));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });

  it('denies navigation, redirects, webviews and new windows', () => {
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler: (h: () => { action: string }) => void; openHandler?: () => { action: string } };
    contents.setWindowOpenHandler = (handler) => {
      contents.openHandler = handler;
    };
    hardenWebContents(contents as never);
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      contents.emit(name, { preventDefault: () => (prevented = true) }, 'https://evil.example/');
      expect(prevented, name).toBe(true);
    }
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    denyPermissions({
      setPermissionRequestHandler: (h: never) => (request = h),
      setPermissionCheckHandler: (h: never) => (check = h),
    } as never);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) request!(undefined, permission, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(check!()).toBe(false);
  });
});

describe('the app:// protocol serves only the bundle', () => {
  it('maps the entry and assets into the bundle folder', () => {
    expect(resolveBundlePath(root, APP_ENTRY)).toBe(path.join(root, 'index.html'));
    expect(resolveBundlePath(root, 'app://bundle/')).toBe(path.join(root, 'index.html'));
    expect(resolveBundlePath(root, 'app://bundle/assets/index-abc.js?v=1#x')).toBe(path.join(root, 'assets', 'index-abc.js'));
  });

  it('collapses literal dot segments inside the bundle, as URLs do', () => {
    expect(resolveBundlePath(root, 'app://bundle/../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveBundlePath(root, 'app://bundle/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
  });

  it('never resolves outside the bundle, whatever the path', () => {
    const segment = fc.oneof(fc.constantFrom('..', '%2e%2e', '.', '%2f', '%5c', '..%2f', '%00', 'etc', 'passwd', ''), fc.string());
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (parts) => {
        const file = resolveBundlePath(root, `app://bundle/${parts.join('/')}`);
        return file === undefined || file.startsWith(root + path.sep);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    'app://bundle/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://bundle/..%5c..%5cwindows',
    'app://bundle/%00index.html',
    'app://bundle/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveBundlePath(root, url)).toBeUndefined();
  });

  it('labels files with their type', () => {
    expect(mimeType('a/index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a/blob.bin')).toBe('application/octet-stream');
  });

  it('builds origins for custom schemes, which Node reports as "null"', () => {
    expect(urlOrigin('app://bundle/index.html')).toBe('app://bundle');
    expect(urlOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(urlOrigin('::nonsense')).toBeUndefined();
  });
});
