import Taro from '@tarojs/taro';
import { ApiError } from '@allycard/contracts';

export const FALLBACK_ERROR_MESSAGE = '出了点小问题，请稍后再试';

/** Structural check: `instanceof` across transpiled Error subclasses is not reliable on every base library. */
export function isApiError(error: unknown): error is ApiError {
  return (
    error instanceof ApiError ||
    (typeof error === 'object' &&
      error !== null &&
      typeof (error as ApiError).status === 'number' &&
      typeof (error as ApiError).code === 'string' &&
      typeof (error as ApiError).message === 'string')
  );
}

export function hasCode(error: unknown, status: number, code?: string): boolean {
  return isApiError(error) && error.status === status && (code === undefined || error.code === code);
}

const USER_ERROR = 'UserError';

/** An error whose message is written for the shopper or clerk (not a programming error). */
export function userError(message: string): Error {
  const error = new Error(message);
  error.name = USER_ERROR;
  return error;
}

/** The text people see for an error: the server's own message when there is one. */
export function errorMessage(error: unknown): string {
  if (isApiError(error) && error.message) return error.message;
  if (error instanceof Error && error.name === USER_ERROR && error.message) return error.message;
  return FALLBACK_ERROR_MESSAGE;
}

export function toastError(error: unknown): void {
  void Taro.showToast({ title: errorMessage(error), icon: 'none', duration: 2500 });
}

export function toastSuccess(title: string): void {
  void Taro.showToast({ title, icon: 'success', duration: 1800 });
}
