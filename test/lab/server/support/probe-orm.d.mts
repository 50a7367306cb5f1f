import type { LabOrm } from '../../../../src/lab/contract.js';
export declare const PROBE_API_KEY: string;
export declare const orm: LabOrm;
