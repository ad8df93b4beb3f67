/** Saves CSV text the API answered as a file, the way every export of the console does. */
export function saveCsv(csv: string, filename: string): void {
  // Response.text() drops the server's byte-order mark; Excel needs it to read Chinese as UTF-8.
  const bom = csv.startsWith('\ufeff') ? '' : '\ufeff';
  const url = URL.createObjectURL(new Blob([bom + csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
