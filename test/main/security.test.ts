import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerBundleRequest, APP_ENTRY, resolveBundlePath } from '@main/app-protocol';
import { urlOrigin } from '@main/ipc/sender-check';
import { denyPermissions, hardenWebContents } from '@main/security';
import {
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  entryPage,
  isEntryPage,
  mimeType,
  NONCE_BYTES,
  NONCE_PLACEHOLDER,
} from '@shared/web-assets';
import { tempDirForAll } from '../support/temp-dir';

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

  it('loads the page from app://, never from a file', () => {
    // Read from the source, as above: the window cannot be created here.
    const file = path.resolve('src/main/window.ts');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const loads: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^load/.test(node.expression.name.text)) {
        loads.push(`${node.expression.name.text}(${node.arguments.map((a) => a.getText()).join(', ')})`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    // The dev server's address only while electron-vite develops; the bundle's app:// page otherwise.
    expect(loads).toEqual(['loadURL(devServerUrl() ?? APP_ENTRY)']);
    expect(APP_ENTRY).toBe('app://bundle/index.html');
    expect(electronSources().filter((f) => /\bloadFile\b|file:\/\/\//.test(readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('never opens external URLs: no shell.openExternal anywhere in src', () => {
    const calls: string[] = [];
    for (const file of sourceFiles('src')) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        // Any spelling: shell.openExternal(…), shell['openExternal'](…), const { openExternal } = shell.
        const named =
          (ts.isPropertyAccessExpression(node) && node.name.text === 'openExternal') ||
          (ts.isElementAccessExpression(node) &&
            ts.isStringLiteralLike(node.argumentExpression) &&
            node.argumentExpression.text === 'openExternal') ||
          (ts.isBindingElement(node) && (node.propertyName ?? node.name).getText() === 'openExternal');
        if (named) calls.push(`${path.relative('.', file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(calls, "shell.openExternal on anything a peer could shape would run it on the user's machine").toEqual([]);
  });

  it('uses no other shell call than openPath, handed to the recordings-folder handler', () => {
    const calls: string[] = [];
    for (const file of electronSources()) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          node.expression.expression.getText() === 'shell'
        ) {
          calls.push(`${path.relative('.', file)}: ${node.getText()}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    // fileDialogs calls it with recorder.folder only (test/main/recording-dialogs.test.ts); the page cannot name a path.
    expect(calls).toEqual(['src/main/index.ts: shell.openPath(folder)']);
    expect(readFileSync('src/main/index.ts', 'utf8')).toContain('openPath: (folder) => shell.openPath(folder)');
  });

  it('denies navigation, redirects, webviews and new windows', () => {
    const contents = new EventEmitter() as EventEmitter & {
      setWindowOpenHandler: (h: () => { action: string }) => void;
      openHandler?: () => { action: string };
    };
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

  it('wires those guards in main: every web contents hardened, the session denies permissions before the window opens', () => {
    const main = readFileSync('src/main/index.ts', 'utf8');
    expect(main).toMatch(/app\.on\('web-contents-created', \(_event, contents\) => hardenWebContents\(contents\)\)/);
    const ready = main.slice(main.indexOf('app.whenReady()'));
    expect(ready.indexOf('denyPermissions(session.defaultSession)')).toBeGreaterThan(-1);
    expect(ready.indexOf('denyPermissions(session.defaultSession)')).toBeLessThan(ready.indexOf('createMainWindow()'));
  });

  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    denyPermissions({
      setPermissionRequestHandler: (h: never) => (request = h),
      setPermissionCheckHandler: (h: never) => (check = h),
    } as never);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      request!(undefined, permission, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(check!()).toBe(false);
  });
});

describe("the CSP allows nothing inline but the page's own styles", () => {
  const directives = (policy: string) =>
    new Map(
      policy.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values] as const;
      }),
    );
  const WELL_FORMED_NONCE = /^[A-Za-z0-9+/]{22}==$/;

  it.each([
    ['a file', CONTENT_SECURITY_POLICY, ["'self'"], ["'self'"]],
    [
      'the page',
      contentSecurityPolicy('AAAAAAAAAAAAAAAAAAAAAA=='),
      ["'nonce-AAAAAAAAAAAAAAAAAAAAAA=='", "'strict-dynamic'"],
      ["'self'", "'nonce-AAAAAAAAAAAAAAAAAAAAAA=='"],
    ],
  ])(
    'for %s: scripts only from the app (on the page: its nonced entry and what that loads), styles from the app or with the nonce, no unsafe-*',
    (_name, policy, scripts, styles) => {
      const map = directives(policy);
      expect(map.get('default-src')).toEqual(["'none'"]);
      expect(map.get('script-src')).toEqual(scripts);
      expect(map.get('style-src')).toEqual(styles);
      expect(map.get('object-src')).toEqual(["'none'"]);
      expect(map.get('base-uri')).toEqual(["'none'"]);
      expect(map.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy).not.toMatch(/unsafe-|data:[^;]*script|\*/);
    },
  );

  it('gives the page a well-formed nonce, in its text and its policy, replacing every placeholder', () => {
    const template = `<meta http-equiv="Content-Security-Policy" content="style-src 'nonce-${NONCE_PLACEHOLDER}'"><meta property="csp-nonce" nonce="${NONCE_PLACEHOLDER}"><script nonce="${NONCE_PLACEHOLDER}"></script>`;
    const random = Uint8Array.from({ length: NONCE_BYTES }, (_, i) => i * 17);
    const page = entryPage(template, random);
    expect(page.nonce).toMatch(WELL_FORMED_NONCE);
    expect(Buffer.from(page.nonce, 'base64')).toEqual(Buffer.from(random));
    expect(page.html).not.toContain(NONCE_PLACEHOLDER);
    expect(page.html.split(page.nonce)).toHaveLength(4);
    expect(directives(page.policy).get('style-src')).toEqual(["'self'", `'nonce-${page.nonce}'`]);
  });

  it('refuses to make a nonce from too few random bytes', () => {
    expect(() => entryPage('', new Uint8Array(NONCE_BYTES - 1))).toThrow(/at least 16 random bytes; got 15\. Pass randomBytes/);
  });

  it('treats only index.html at the top as the page', () => {
    expect(isEntryPage(['index.html'])).toBe(true);
    expect(isEntryPage(['assets', 'index.html'])).toBe(false);
    expect(isEntryPage(['assets', 'index-abc.js'])).toBe(false);
  });

  describe('the app:// handler', () => {
    const bundleDir = tempDirForAll('si-bundle-');
    let bundle: string;
    const template = `<!doctype html><meta property="csp-nonce" nonce="${NONCE_PLACEHOLDER}"><script type="module" src="./assets/app.js" nonce="${NONCE_PLACEHOLDER}"></script>`;
    // Stands in for Electron's net.fetch, which the binary-less test machine lacks: reads the file.
    const readFromDisk = async (fileUrl: string) => {
      try {
        return new Response(await readFile(fileURLToPath(fileUrl), 'utf8'));
      } catch {
        return new Response('gone', { status: 404 });
      }
    };

    beforeAll(async () => {
      bundle = bundleDir();
      await mkdir(path.join(bundle, 'assets'));
      await writeFile(path.join(bundle, 'index.html'), template);
      await writeFile(path.join(bundle, 'assets', 'app.js'), `const marker = '${NONCE_PLACEHOLDER}';`);
    });

    const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? '')?.[1];

    it('serves the page with a fresh nonce per load, the same in its text and its CSP header', async () => {
      const nonces: string[] = [];
      for (const url of [APP_ENTRY, 'app://bundle/']) {
        const response = await answerBundleRequest(bundle, url, readFromDisk);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const nonce = nonceOf(response.headers.get('content-security-policy'));
        expect(nonce).toMatch(WELL_FORMED_NONCE);
        expect(response.headers.get('content-security-policy')).not.toMatch(/unsafe-/);
        expect(await response.text()).toBe(template.split(NONCE_PLACEHOLDER).join(nonce));
        nonces.push(nonce!);
      }
      expect(nonces[0]).not.toBe(nonces[1]);
    });

    it('serves other files as they are, under the policy without a nonce', async () => {
      const response = await answerBundleRequest(bundle, 'app://bundle/assets/app.js', readFromDisk);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toBe(`const marker = '${NONCE_PLACEHOLDER}';`);
    });

    it('answers 404 for what is not in the bundle, and passes a failed read on', async () => {
      expect((await answerBundleRequest(bundle, 'app://other/index.html', readFromDisk)).status).toBe(404);
      expect((await answerBundleRequest(bundle, 'app://bundle/%2e%2e%2fsecret', readFromDisk)).status).toBe(404);
      expect((await answerBundleRequest(bundle, 'app://bundle/missing.js', readFromDisk)).status).toBe(404);
    });
  });

  it('is built into the page with the placeholder wherever a nonce goes', () => {
    const built = path.resolve('out/renderer/index.html');
    if (!existsSync(built)) throw new Error(`The built page is missing at ${built}: run "npm run build" first.`);
    const html = readFileSync(built, 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll('&#39;', "'");
    const withoutFrameAncestors = contentSecurityPolicy(NONCE_PLACEHOLDER)
      .split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta).toBe(withoutFrameAncestors);
    expect(html).toContain(`<meta property="csp-nonce" nonce="${NONCE_PLACEHOLDER}">`);
    // Every script and stylesheet tag carries it; no inline style to need one. The favicon is an
    // image, which img-src allows without a nonce.
    const tags = (html.match(/<(script|link)\b[^>]*>/g) ?? []).filter((tag) => !/\brel="icon"/.test(tag));
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).toContain(`nonce="${NONCE_PLACEHOLDER}"`);
    expect(html).not.toMatch(/<style|\sstyle=/i);
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

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The files that may import electron: main (outside the engine and transcript folders) and preload. */
function electronSources(): string[] {
  return [...sourceFiles('src/main'), ...sourceFiles('src/preload')];
}
