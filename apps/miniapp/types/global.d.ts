/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.gif';
declare module '*.jpg';
declare module '*.jpeg';
declare module '*.svg';
declare module '*.css';
declare module '*.scss';

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    /** the platform Taro builds for */
    TARO_ENV: 'weapp' | 'h5' | string | undefined;
    /** weapp only: absolute API base, set at build time (config/index.ts) */
    API_BASE_URL?: string;
  }
}
