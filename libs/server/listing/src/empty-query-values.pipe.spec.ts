import { EmptyQueryValuesPipe } from './empty-query-values.pipe';

describe('EmptyQueryValuesPipe', () => {
  const pipe = new EmptyQueryValuesPipe();

  it('drops empty query values, as ShellHub reads them, and keeps the rest', () => {
    expect(
      pipe.transform({ filter: '', page: '1', per_page: '10', status: '', tags: ['', 'lab'] }, { type: 'query' }),
    ).toEqual({ page: '1', per_page: '10', tags: 'lab' });
    expect(pipe.transform('', { type: 'query', data: 'status' })).toBeUndefined();
  });

  it('leaves bodies and path parameters alone', () => {
    expect(pipe.transform({ name: '' }, { type: 'body' })).toEqual({ name: '' });
    expect(pipe.transform('', { type: 'param', data: 'uid' })).toBe('');
  });
});
