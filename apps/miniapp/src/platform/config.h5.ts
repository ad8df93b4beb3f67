import type * as weapp from './config';

/** h5: the server serves this build and the API from one origin. */
export const API_BASE_URL = '/api/v1';

/** Where the WeChat sandbox answers (outside production only); h5 stands in for WeChat through it. */
export const SANDBOX_BASE_URL = '/sandbox/wechat';

API_BASE_URL satisfies typeof weapp.API_BASE_URL;
