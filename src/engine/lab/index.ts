export { labScript } from './script';
export { labLayout, NETNS_NAME_MAX, IFNAME_MAX, type LabLayout, type LabNode, type LabPod, type LabOptions } from './layout';
