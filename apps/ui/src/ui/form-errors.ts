import { notifications } from '@mantine/notifications';
import { ApiError, errorMessage } from '../api/api-error';

interface FormWithErrors {
  setFieldError: (path: string, error: string) => void;
  values: object;
}

/**
 * Puts the API's field problems next to the fields of `form` that carry those names; whatever names no field of the
 * form (or has no field at all) becomes a notification, so no refusal goes unseen.
 */
export function showApiErrors(form: FormWithErrors, error: unknown, fieldAliases: Record<string, string> = {}): void {
  let unplaced = true;
  if (error instanceof ApiError) {
    for (const [field, problem] of Object.entries(error.fieldErrors)) {
      const target = fieldAliases[field] ?? field;
      if (target in form.values) {
        form.setFieldError(target, problem);
        unplaced = false;
      }
    }
  }
  if (unplaced) notifyError(error);
}

/** Mantine's close button is an icon without a name: screen readers (and axe) need one. */
const closeButtonProps = { 'aria-label': 'Dismiss' };

export function notifyError(error: unknown): void {
  notifications.show({ color: 'red', title: 'That did not work', message: errorMessage(error), closeButtonProps });
}

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, closeButtonProps });
}
