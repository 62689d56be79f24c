import type { ArgumentMetadata } from '@nestjs/common';
import { IsBoolean, IsString, Matches } from 'class-validator';
import { AppException } from './app.exception';
import { IsOptionalNotNull } from './optional-not-null';
import { createValidationPipe, MAX_ARRAY_ITEMS } from './validation.pipe';

class RenameDto {
  @IsOptionalNotNull()
  @Matches(/^[a-z]{1,8}$/)
  name?: string;

  @IsOptionalNotNull()
  @IsBoolean()
  public_url?: boolean;
}

class LoginDto {
  @IsString()
  username!: string;
}

const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppException) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('the validation pipe (defects found by issue 15’s fuzzing)', () => {
  const pipe = createValidationPipe();

  it('refuses null for a field that may only be left out', async () => {
    expect(await refusal(pipe.transform({ name: null }, body(RenameDto)))).toContain('name');
    expect(await refusal(pipe.transform({ public_url: null }, body(RenameDto)))).toContain('public_url');
    await expect(pipe.transform({}, body(RenameDto))).resolves.toBeInstanceOf(RenameDto);
    await expect(pipe.transform({ name: 'pi' }, body(RenameDto))).resolves.toMatchObject({ name: 'pi' });
  });

  it('refuses a body that is not a JSON object, at once, where a DTO is expected', async () => {
    const array = Array.from({ length: 50_000 }, (_, index) => `item${index}`);
    const started = performance.now();
    expect(await refusal(pipe.transform(array, body(LoginDto)))).toBe('the body must be a JSON object');
    expect(performance.now() - started).toBeLessThan(100);
    expect(await refusal(pipe.transform('text', body(LoginDto)))).toBe('the body must be a JSON object');
    // No body at all still reads as an empty object, and is then validated field by field.
    expect(await refusal(pipe.transform(undefined, body(LoginDto)))).toContain('username');
  });

  it('refuses an array longer than any request carries, anywhere in the body, before validating it', async () => {
    const long = Array.from({ length: MAX_ARRAY_ITEMS + 1 }, () => 'x');
    const started = performance.now();
    expect(await refusal(pipe.transform({ username: long }, body(LoginDto)))).toContain(`at most ${MAX_ARRAY_ITEMS}`);
    expect(await refusal(pipe.transform({ username: 'a', nested: { deeper: [long] } }, body(LoginDto)))).toContain('at most');
    expect(performance.now() - started).toBeLessThan(100);
    await expect(pipe.transform({ username: 'a' }, body(LoginDto))).resolves.toMatchObject({ username: 'a' });
  });
});
