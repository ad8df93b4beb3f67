/** weapp: the API lives on another origin, fixed at build time (API_BASE_URL, see config/index.ts). */
export const API_BASE_URL: string = process.env.API_BASE_URL || 'http://localhost:3000/api/v1';
