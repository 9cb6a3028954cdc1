/**
 * THE list of feed importers (CONVENTIONS.md §2.8 habit 1). Adding a feed = a folder under
 * `src/vulndb/feeds/<id>/` exporting `<id>Feed` and one line here; `registry.test.ts` checks that the
 * ids equal the folders on disk.
 */
import { AppError } from '../../errors.js';
import type { FeedSourceId } from '../model.js';
import type { FeedImporter } from './feed.js';
import { alpineFeed } from './alpine/index.js';
import { debianFeed } from './debian/index.js';
import { epssFeed } from './epss/index.js';
import { kevFeed } from './kev/index.js';
import { nvdFeed } from './nvd/index.js';
import { osvFeed } from './osv/index.js';

export const FEEDS: readonly FeedImporter[] = [osvFeed, debianFeed, alpineFeed, nvdFeed, kevFeed, epssFeed];

export function feedIds(): FeedSourceId[] {
  return FEEDS.map((f) => f.id);
}

/** The importer for `--source ID`; `FEED_SOURCE_UNKNOWN` lists the valid ids. */
export function getFeed(id: string): FeedImporter {
  const feed = FEEDS.find((f) => f.id === id);
  if (feed === undefined) {
    throw new AppError('FEED_SOURCE_UNKNOWN', `unknown feed source "${id}"`, {
      hint: `use one of: ${feedIds().join(', ')}`,
    });
  }
  return feed;
}
