import assert from "node:assert/strict";
import { luhnValid, maskPii, maskSpans, pseudonymize } from "../pipeline/privacy.ts";

Deno.test("maskPii() masks emails, URLs, cards and phone numbers in English text", () => {
  const cases: [string, string][] = [
    ["Mail jo.doe+x@example.co.uk.", "Mail [EMAIL]."],
    ["see https://t.co/abc123. ok", "see [URL]. ok"],
    ["www.example.com/path?x=1, yes", "[URL], yes"],
    ["card 4111 1111 1111 1111 ok", "card [CARD] ok"],
    ["4111-1111-1111-1111", "[CARD]"],
    ["paid with 4012888888881881", "paid with [CARD]"],
    ["call me at (555) 123-4567 please", "call me at [PHONE] please"],
    ["555-123-4567", "[PHONE]"],
    ["555.123.4567", "[PHONE]"],
    ["1-800-555-0199", "[PHONE]"],
    ["+1 (555) 123-4567", "[PHONE]"],
    ["+44 20 7946 0958", "[PHONE]"],
    ["5551234567", "[PHONE]"],
  ];
  for (const [input, expected] of cases) assert.equal(maskPii(input).text, expected, input);
});

Deno.test("maskPii() masks Chinese mobiles, landlines and emails inside Chinese text", () => {
  const cases: [string, string][] = [
    ["138 1234 5678", "[PHONE]"],
    ["+86 13812345678", "[PHONE]"],
    ["0086-138-1234-5678", "[PHONE]"],
    ["电话13812345678谢谢", "电话[PHONE]谢谢"],
    ["客服电话：010-12345678，态度很差", "客服电话：[PHONE]，态度很差"],
    ["联系abc@qq.com谢谢", "联系[EMAIL]谢谢"],
    ["退款请打+86 139 8765 4321或发邮件到 kefu@shop.cn", "退款请打[PHONE]或发邮件到 [EMAIL]"],
  ];
  for (const [input, expected] of cases) assert.equal(maskPii(input).text, expected, input);
});

Deno.test("maskPii() masks internationalised e-mail addresses in any script", () => {
  const cases: [string, string][] = [
    ["张三@例子.中国", "[EMAIL]"],
    ["写信给 张三@例子.中国 吧", "写信给 [EMAIL] 吧"],
    ["张三＠例子。中国", "[EMAIL]"],
    ["jo.li+tag@例子.公司", "[EMAIL]"],
    ["张三@example.com", "[EMAIL]"],
    ["ivan@пример.рф", "[EMAIL]"],
    ["Schreib an jürgen@bücher.de!", "Schreib an [EMAIL]!"],
    ["मेल: राम@उदाहरण.भारत", "मेल: [EMAIL]"],
  ];
  for (const [input, expected] of cases) assert.equal(maskPii(input).text, expected, input);
  assert.equal(maskPii("张三@例子.中国 and 李四@例子.中国").counts.email, 2);
});

Deno.test("maskPii() leaves dates, prices, flight numbers, handles and order numbers alone", () => {
  const untouched = [
    "@united flight 1234 delayed 2 hours",
    "2015-02-24 11:35:52 -0800",
    "price $12.99, 1,299 yuan",
    "UA1234 to SFO",
    "耗时30分钟，送到已经12:30了",
    "version 1.2.3",
    "order #12345678",
    "12:30-13:45",
    "tracking 1Z999AA10123456784",
    "id 20190117123456",
    "order 1234567890123 ok",
    "3 stars, 5/5",
  ];
  for (const text of untouched) {
    const r = maskPii(text);
    assert.equal(r.text, text);
    assert.deepEqual(r.counts, { url: 0, email: 0, card: 0, phone: 0, mention: 0 });
  }
});

Deno.test("maskPii() counts what it masked", () => {
  const r = maskPii("a@b.com, c@d.org, http://x.io and 138 1234 5678");
  assert.deepEqual(r.counts, { url: 1, email: 2, card: 0, phone: 1, mention: 0 });
});

Deno.test("maskPii() masks @handles only when asked, and never the @ of an email", () => {
  const text = "@united thanks! cc @Jo_Doe, mail jo@doe.com";
  assert.equal(maskPii(text).text, "@united thanks! cc @Jo_Doe, mail [EMAIL]");
  const r = maskPii(text, { mentions: true });
  assert.equal(r.text, "[USER] thanks! cc [USER], mail [EMAIL]");
  assert.equal(r.counts.mention, 2);
});

Deno.test("luhnValid() accepts card test numbers and rejects one wrong digit", () => {
  assert.equal(luhnValid("4111111111111111"), true);
  assert.equal(luhnValid("4012888888881881"), true);
  assert.equal(luhnValid("79927398713"), true);
  assert.equal(luhnValid("4111111111111112"), false);
  assert.equal(luhnValid("79927398710"), false);
  assert.equal(luhnValid(""), false);
});

Deno.test("maskPii() with luhn: false masks every 13-19 digit run", () => {
  assert.equal(maskPii("order 1234567890123 ok").text, "order 1234567890123 ok");
  assert.equal(maskPii("order 1234567890123 ok", { luhn: false }).text, "order [CARD] ok");
  // 12 and 20 digits are outside the card range either way
  assert.equal(maskPii("x 123456789012 y", { luhn: false }).text, "x 123456789012 y");
  assert.equal(
    maskPii("x 12345678901234567890 y", { luhn: false }).text,
    "x 12345678901234567890 y",
  );
});

Deno.test("maskSpans() replaces spans and merges overlapping ones", () => {
  const text = "Alice Smith met Bob at noon";
  assert.equal(
    maskSpans(text, [{ start: 16, end: 19 }, { start: 0, end: 11 }], "[PERSON]"),
    "[PERSON] met [PERSON] at noon",
  );
  assert.equal(
    maskSpans(text, [{ start: 0, end: 5 }, { start: 3, end: 11 }], "[PERSON]"),
    "[PERSON] met Bob at noon",
  );
  assert.equal(maskSpans(text, [], "[PERSON]"), text);
});

Deno.test("pseudonymize() is the salted sha-256 prefix and depends on the salt", () => {
  // sha256("pepper\0C-1001") and sha256("salt2\0C-1001"), computed with Python's hashlib
  assert.equal(pseudonymize("C-1001", "pepper"), "f33e4346110e1c2e");
  assert.equal(pseudonymize("C-1001", "salt2"), "eb99497827bd36de");
  assert.equal(pseudonymize("C-1001", "pepper", 8), "f33e4346");
  assert.notEqual(pseudonymize("C-1002", "pepper"), pseudonymize("C-1001", "pepper"));
});

Deno.test("pseudonymize() refuses an empty salt and a bad length", () => {
  assert.throws(
    () => pseudonymize("C-1", ""),
    {
      name: "RangeError",
      message: 'The salt of pseudonymize must be a non-empty string. Got "" instead',
    },
  );
  assert.throws(() => pseudonymize("C-1", "s", 4), RangeError);
});
