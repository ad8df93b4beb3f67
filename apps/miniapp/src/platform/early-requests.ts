/** An answer to a request the page started before the app's JavaScript loaded (h5 only). */
export interface EarlyAnswer {
  status: number;
  body: string;
}

/**
 * weapp: the mini-program's own code starts every request, so nothing was asked early. On h5,
 * index.html starts the card's first requests with the page (see early-requests.h5.ts).
 */
export function takeEarlyAnswer(
  _method: string,
  _url: string,
  _headers: Record<string, string>,
): Promise<EarlyAnswer | null> | null {
  return null;
}
