// Fails the run early, with the fix, when the services tests need are not up.
const { existsSync } = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const file = path.join(__dirname, '..', '..', '.data', 'services.env');
  if (!existsSync(file) && !(process.env.MONGO_URL && process.env.REDIS_URL)) {
    throw new Error('Test services are not running: run `bash scripts/services.sh up` (or `npm run test:all`).');
  }
};
