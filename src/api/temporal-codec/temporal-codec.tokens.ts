/** DI tokens of the codec endpoint's module. */
export const TEMPORAL_CODEC = Symbol('TEMPORAL_CODEC');
export const TEMPORAL_CODEC_OPTIONS = Symbol('TEMPORAL_CODEC_OPTIONS');

export interface TemporalCodecOptions {
  /** The Temporal namespace whose payloads this codec reads; requests for another are refused. */
  namespace: string;
  /** Browser origins (Temporal's UI) allowed to call the endpoint cross-origin. */
  corsOrigins: string[];
}
