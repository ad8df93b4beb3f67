import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import { PagePreloadPlugin } from './page-preload';
import prodConfig from './prod';

const DEFAULT_API_BASE_URL = 'http://localhost:3000/api/v1';

// The workspace packages (@allycard/domain, @allycard/contracts) ship ES2022; run them through Babel like
// our own source so older WeChat base libraries and browsers get the same syntax level.
const WORKSPACE_PACKAGES = path.resolve(__dirname, '../../../packages');

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(async (merge) => {
  const platform = process.env.TARO_ENV ?? 'h5';
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'allycard-miniapp',
    date: '2025-11-24',
    // NutUI is drawn for a 375 px wide design, our own styles for Taro's default 750.
    designWidth(input) {
      const file = typeof input === 'object' && input?.file ? String(input.file).replace(/\\+/g, '/') : '';
      return file.includes('@nutui') ? 375 : 750;
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${platform}`,
    plugins: [],
    defineConstants: {
      // weapp talks to an absolute API origin chosen at build time; h5 uses its own origin (platform/config.h5.ts).
      'process.env.API_BASE_URL': JSON.stringify(process.env.API_BASE_URL || DEFAULT_API_BASE_URL),
    },
    copy: { patterns: [], options: {} },
    // H5 renders with Preact (preact/compat, aliased for `react` and `react-dom` by Taro's framework
    // plugin): about 40 kB less JavaScript (gzip) to load and run before a page appears on a slow phone.
    // weapp keeps React and Taro's own reconciler, which WeChat's runtime is tested with.
    framework: platform === 'h5' ? 'preact' : 'react',
    compiler: {
      type: 'webpack5',
      // NutUI's advice: prebundled NutUI loses the Taro component templates on mini-programs.
      prebundle: { exclude: ['@nutui/nutui-react-taro', '@nutui/icons-react-taro'] },
    },
    cache: { enable: false },
    mini: {
      compile: { include: [WORKSPACE_PACKAGES] },
      // NutUI's per-component CSS lands in shared chunks in whatever order pages import it; the rules
      // do not depend on that order.
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [WORKSPACE_PACKAGES] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[chunkhash:8].css',
      },
      webpackChain(chain) {
        // Taro splits only initial chunks on h5, so every lazily loaded page would carry its own copy
        // of @tarojs/components and NutUI; share them between pages instead.
        const splitChunks = chain.optimization.get('splitChunks');
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' });
        chain
          .plugin('page-preload')
          .use(PagePreloadPlugin, [path.resolve(__dirname, '../src'), 'pages/card/index']);
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  };

  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
