// Old name of the oracle helper, kept for the test files that still import it: everything is in test/helpers.js.
const { CHECKPOINTS, PYTHON, checkpoint, needOracle, python } = require('../helpers');

module.exports = { DIR: CHECKPOINTS, PYTHON, fixture: checkpoint, requireOracle: needOracle, python };
