import { setTimeout as delay } from 'node:timers/promises';
import type { Sleep } from '../core/retry';

/** Timer-based sleep for code outside n8n (exporter, demo, scripts). */
export const timerSleep: Sleep = async (ms) => {
	await delay(ms);
};
