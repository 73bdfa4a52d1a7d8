// Jest's `openwifi` project (jest.config.js): the contract suite drives the simulator through its
// OpenWiFi face and the OpenWiFi adapter (test/support/controller-face.ts).
process.env.RRM_TEST_CONTROLLER = 'openwifi';
