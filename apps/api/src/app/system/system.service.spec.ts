import { loadApiConfig } from '@fleetgate/config';
import { publicBillingOf } from './system.service';

const base = {
  MONGO_URL: 'mongodb://127.0.0.1:27017/fleetgate',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('publicBillingOf (what GET /info tells the UI about billing)', () => {
  const stripe = { STRIPE_SECRET_KEY: 'sk_test_secret123', STRIPE_PRICE_IDS: 'price_base', STRIPE_WEBHOOK_SECRET: 'whsec_secret123' };

  it('says billing is off, with no key, when it is off', () => {
    expect(publicBillingOf(loadApiConfig(base).billing)).toEqual({ enabled: false, publishable_key: null });
  });

  it('hands out the publishable key and never the secret key or the webhook secret', () => {
    const billing = publicBillingOf(loadApiConfig({ ...base, ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_test_public123' }).billing);
    expect(billing).toEqual({ enabled: true, publishable_key: 'pk_test_public123' });
    expect(JSON.stringify(billing)).not.toMatch(/sk_test|whsec_/);
    expect(publicBillingOf(loadApiConfig({ ...base, ...stripe }).billing)).toEqual({ enabled: true, publishable_key: null });
  });
});
