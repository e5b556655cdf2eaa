import createCache, { type EmotionCache } from '@emotion/cache';

/**
 * The style cache for MUI's emotion: its <style> elements carry the page's CSP nonce, without
 * which the policy (no 'unsafe-inline') drops them. The server writes the nonce into
 * <meta property="csp-nonce">; browsers hide the attribute from scripts, so the `nonce` property
 * is read. A page without the tag (component tests) has no policy to satisfy.
 */
export function createStyleCache(doc: Document): EmotionCache {
  const nonce = doc.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
  return createCache(nonce ? { key: 'css', nonce } : { key: 'css' });
}
