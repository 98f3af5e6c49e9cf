import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadSotu } from "tensorgrad/node";

describe("loadSotu", () => {
  it("loads the 233 State of the Union addresses in year order, with president and party", async () => {
    const all = await loadSotu();
    assert.equal(all.length, 233);
    assert.deepEqual([all[0].year, all[0].president], [1790, "George Washington"]);
    assert.match(all[0].text, /^Fellow-Citizens of the Senate and House of Representatives/);
    assert.ok(all.every((s, i) => i === 0 || s.year >= all[i - 1].year));
    const words = all.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
    assert.ok(words > 1_700_000 && words < 1_900_000, `${words} words`);
    const modern = await loadSotu({ fromYear: 2000, toYear: 2009 });
    assert.ok(modern.length >= 9 && modern.every((s) => s.year >= 2000 && s.year <= 2009));
    modern[0].text = "";
    assert.notEqual((await loadSotu({ fromYear: 2000 }))[0].text, "", "callers get copies");
  });
  it("refuses unknown options and non-integer years", async () => {
    await assert.rejects(loadSotu({ from: 1900 } as never), /loadSotu: unknown option "from"/);
    await assert.rejects(loadSotu({ fromYear: 1900.5 }), /fromYear must be an integer year/);
  });
});
