import { EventEmitter } from 'node:events';
import { Store } from 'express-session';
import { describe, expect, it } from 'vitest';
import { storeBase } from './store-base.js';

describe('storeBase', () => {
  it("is express-session's Store when the app has it", () => {
    expect(storeBase()).toBe(Store);
  });

  it('is an EventEmitter without express-session (a Fastify app), whose express-session methods say what is missing', () => {
    const Base = storeBase(() => {
      throw Object.assign(new Error("Cannot find module 'express-session'"), { code: 'MODULE_NOT_FOUND' });
    });
    const store = new Base();
    expect(store).toBeInstanceOf(EventEmitter);
    expect(store).not.toBeInstanceOf(Store);
    expect(() => store.regenerate({}, () => {})).toThrow(/install express-session/);
    expect(() => store.load('sid', () => {})).toThrow(/NemesisStore\.load is express-session's/);
    expect(() => store.createSession({}, {})).toThrow(/install express-session/);
  });
});
