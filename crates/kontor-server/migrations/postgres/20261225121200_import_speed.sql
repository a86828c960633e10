-- scale12i (issue 12, import speed): the seat count of a seat-changing transaction (`db::users` POOLS) counts
-- the account's live users' license assignments in one pass grouped by product. With the user id in this
-- index the pass reads only the index (account, live, id) and the assignments' primary key (user id, product),
-- both in id order, instead of each live user's table row once per product: 5,000 more users on 95,000 made
-- it the largest cost of an import batch. Same name, same leading columns: every query that used the old
-- index can use this one.
DROP INDEX users_account_deleted;
CREATE INDEX users_account_deleted ON users(account_id, deleted_at, id);
