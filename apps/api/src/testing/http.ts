/** The JSON body of a response, typed as the test expects it to be (the assertions check that it is). */
export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
