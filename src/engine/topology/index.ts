export type * from './types';
export { deriveTopology, DEFAULT_EXTERNAL_CLIENT, INTERNET_ID, UNDERLAY_ID } from './derive';
export { placeHops } from './place';
export { scenarioEndpoints } from './endpoints';
export { DEFAULT_FOCUS_LIMITS, focusTopology, type FocusLimits } from './focus';
export { outsideHosts, tracePicture, type TracePicture } from './trace-picture';
