import { Injectable } from '@nestjs/common';

/**
 * The one source of "now" for rules that depend on the day (lifecycle labels, birthdays, member
 * days, quiet hours). Production reads the system clock; a test moves it with `travelTo` to check
 * what happens 70 days later without waiting for it.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Tests: from now on the clock reads `at` (and keeps ticking from there). */
  travelTo(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  /** Tests: back to the system clock. */
  reset(): void {
    this.offsetMs = 0;
  }
}
