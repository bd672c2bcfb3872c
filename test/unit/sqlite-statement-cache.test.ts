import SQLite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { reusePreparedStatements } from "../../src/store/sqlite-statement-cache.js";

describe("SQLite prepared-statement reuse", () => {
  const opened: SQLite.Database[] = [];
  const open = (max?: number) => {
    const database = reusePreparedStatements(new SQLite(":memory:"), max);
    opened.push(database);
    database.exec("create table t (id integer primary key, v text)");
    return database;
  };
  afterEach(() => {
    for (const database of opened.splice(0)) database.close();
  });

  it("hands back the statement already prepared for the same SQL text, answering each call with its own parameters", () => {
    const database = open();
    const insert = database.prepare("insert into t (v) values (?)");
    expect(database.prepare("insert into t (v) values (?)")).toBe(insert);
    insert.run("a");
    database.prepare("insert into t (v) values (?)").run("b");
    const select = database.prepare("select v from t where id = ?");
    expect(select).not.toBe(insert);
    expect(database.prepare("select v from t where id = ?").get(2)).toEqual({ v: "b" });
    expect(select.get(1)).toEqual({ v: "a" });
  });

  it("starts over past its bound and still answers correctly", () => {
    const database = open(2);
    const first = database.prepare("select 1 as n");
    database.prepare("select 2 as n");
    database.prepare("select 3 as n");
    const again = database.prepare("select 1 as n");
    expect(again).not.toBe(first);
    expect(again.get()).toEqual({ n: 1 });
  });
});
