import { jest } from '@jest/globals';
import type * as core from '@actions/core';

/** Typed fakes of the @actions/core logging calls, so unit tests can read what was said. */
export const debug = jest.fn<typeof core.debug>();
export const info = jest.fn<typeof core.info>();
export const notice = jest.fn<typeof core.notice>();
export const warning = jest.fn<typeof core.warning>();
export const error = jest.fn<typeof core.error>();
