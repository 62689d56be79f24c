import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import type { Page } from '@fleetgate/data-access';

/** Answers a `Page` as ShellHub does: the items as the body, the total in `X-Total-Count`. */
@Injectable()
export class TotalCountInterceptor implements NestInterceptor<Page<unknown>, unknown[]> {
  intercept(context: ExecutionContext, next: CallHandler<Page<unknown>>): Observable<unknown[]> {
    return next.handle().pipe(
      map((page) => {
        context.switchToHttp().getResponse<Response>().setHeader('X-Total-Count', String(page.total));
        return page.items;
      }),
    );
  }
}

/** For a route that returns a `Page` of `type`. */
export function Paginated(type: new () => unknown): MethodDecorator {
  return applyDecorators(
    UseInterceptors(TotalCountInterceptor),
    ApiOkResponse({
      type: [type],
      headers: {
        'X-Total-Count': {
          description: 'How many items match, across all pages.',
          schema: { type: 'integer' },
        },
      },
    }),
  );
}
