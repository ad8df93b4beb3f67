// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
// The H5 build is for today's phones (WeChat's built-in browser, Safari and Chrome): compiling it down
// to ES5 (package.json's browserslist, kept for the weapp build and old WeChat base libraries) wraps
// every async function in regenerator and adds helpers: more bytes to load and to run on a slow phone.
const H5_TARGETS = { chrome: '80', ios: '13', safari: '13' };

module.exports = {
  presets: [
    [
      'taro',
      {
        // the same choice as config/index.ts: Preact on H5, React on weapp
        framework: process.env.TARO_ENV === 'h5' ? 'preact' : 'react',
        ts: true,
        compiler: 'webpack5',
        ...(process.env.TARO_ENV === 'h5' ? { targets: H5_TARGETS } : {}),
      },
    ],
  ],
  plugins: [
    // NutUI React Taro on demand: each component's module and its compiled CSS only (NutUI's Taro setup).
    [
      'import',
      {
        libraryName: '@nutui/nutui-react-taro',
        camel2DashComponentName: false,
        customName: (name) => `@nutui/nutui-react-taro/dist/es/packages/${name.toLowerCase()}`,
        customStyleName: (name) => `@nutui/nutui-react-taro/dist/es/packages/${name.toLowerCase()}/style/css`,
      },
      'nutui-react',
    ],
  ],
};
