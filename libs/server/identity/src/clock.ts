import { Injectable } from '@nestjs/common';

/**
 * The time as identity code sees it. Injected, so that tests can drive timelines such as lockouts
 * (`jest.spyOn(app.get(Clock), 'now')`) instead of sleeping.
 */
@Injectable()
export class Clock {
  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }
}
