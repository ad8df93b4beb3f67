import type { Compiler } from 'webpack';

/**
 * H5 only. Taro loads every page with `import()` once the app's own scripts have run, so the page
 * opened first waits for two downloads one after the other. This writes into index.html a tiny
 * script that reads the route from the URL's hash and starts the downloads of that page's chunks
 * alongside the app's scripts (the default route when there is no hash: the first page).
 */
export class PagePreloadPlugin {
  constructor(
    private readonly sourceDir: string,
    private readonly firstPage: string,
  ) {}

  apply(compiler: Compiler): void {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('PagePreloadPlugin', (compilation) => {
      // after html-webpack-plugin has written index.html
      compilation.hooks.processAssets.tap(
        { name: 'PagePreloadPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_REPORT },
        () => {
          const html = compilation.getAsset('index.html');
          if (!html) return;
          const initial = new Set<string>();
          for (const entry of compilation.entrypoints.values())
            for (const chunk of entry.chunks) chunk.files.forEach((f) => initial.add(f));
          const pages: Record<string, string[]> = {};
          for (const group of compilation.chunkGroups) {
            // the app's router imports each page as `./<page path>` from the source root
            const page = group.origins
              .find((o) => o.request?.startsWith('./') && o.module?.context === this.sourceDir)
              ?.request.slice(2);
            if (!page) continue;
            const files = group.chunks.flatMap((c) => [...c.files]).filter((f) => !initial.has(f));
            pages[page] = [...new Set([...(pages[page] ?? []), ...files])];
          }
          // pages share most chunks: name each file once and list pages by index, to keep the HTML small
          const files = [...new Set(Object.values(pages).flat())];
          const byIndex = Object.fromEntries(
            Object.entries(pages).map(([page, list]) => [page, list.map((f) => files.indexOf(f))]),
          );
          const publicPath = String(compilation.outputOptions.publicPath ?? '/');
          const script =
            `<script>!function(m,f,d){var p=location.hash.replace(/^#\\/?/,'').split('?')[0]||${JSON.stringify(this.firstPage)};` +
            `(m[p]||[]).forEach(function(i){var l=d.createElement('link'),c=/\\.css$/.test(f[i]);` +
            `l.rel='preload';l.as=c?'style':'script';l.href=${JSON.stringify(publicPath)}+f[i];d.head.appendChild(l)})}` +
            `(${JSON.stringify(byIndex)},${JSON.stringify(files)},document)</script>`;
          // before the stylesheet: a script after it would wait for the CSS to arrive
          const source = String(html.source.source()).replace('<link href=', `${script}<link href=`);
          compilation.updateAsset('index.html', new sources.RawSource(source));
        },
      );
    });
  }
}
