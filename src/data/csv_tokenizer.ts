/**
 * Splits CSV text into fields and records in one pass over the characters, fed in chunks of any size: linear time, and
 * memory bounded by one field (at most `MAX_CSV_FIELD` characters) whatever the lengths of lines or of the file. Records
 * end at "\n", "\r\n" or a lone "\r"; fields may be double-quoted ("" inside quotes is a literal quote; quoted fields may
 * hold the separator and line breaks); unquoted fields are trimmed.
 */
import { ValueError } from "../errors.js";

/** The longest field the CSV reader takes, in characters (1 MiB): a longer one is a corrupt or hostile file. */
export const MAX_CSV_FIELD = 2 ** 20;

export interface CsvSink {
  /** One field of the current record; `line` is the 1-based line it starts on. */
  field(text: string, quoted: boolean, line: number): void;
  /** The end of a record that started on `line`. */
  endRecord(line: number): void;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

enum State {
  /** Only whitespace so far in this field. */
  Start,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: a closing one, or the first of "". */
  QuoteInQuoted,
  /** After the closing quote: only whitespace may follow before the separator. */
  Closed,
}

/** A CSV tokenizer fed with `push(chunk)` and finished with `end()`. */
export class CsvTokenizer {
  private state = State.Start;
  /** The current field's text from earlier chunks (and, in quoted fields, before a "" escape). */
  private acc = "";
  private line = 1;
  private fieldLine = 1;
  private recordLine = 1;
  private fieldsInRecord = 0;
  /** A "\r" ended the last chunk: a "\n" starting the next one belongs to it. */
  private pendingCR = false;
  /** Likewise inside a quoted field, where the line break is part of the field. */
  private quotedCR = false;
  private first = true;
  private readonly sep: number;

  constructor(
    private readonly sink: CsvSink,
    delimiter: string,
  ) {
    this.sep = delimiter.charCodeAt(0);
  }

  push(chunk: string): void {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let i = 0;
    if (this.quotedCR) {
      this.quotedCR = false;
      if (text.charCodeAt(0) === LF) this.line--;
    }
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    let segStart = i;
    const n = text.length;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case State.Start:
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.acc = "";
            segStart = i + 1;
            this.fieldLine = this.line;
          } else if (c === this.sep) {
            this.emit("", false);
            segStart = i + 1;
          } else if (c === LF || c === CR) {
            this.emit("", false);
            i = this.newline(text, i, c);
            this.endRecord();
            segStart = i + 1;
          } else if (c !== 32 && c !== 9) {
            this.state = State.Unquoted;
            this.acc = "";
            segStart = i;
            this.fieldLine = this.line;
          }
          break;
        case State.Unquoted:
          if (c === this.sep || c === LF || c === CR) {
            this.emit(this.take(text, segStart, i).trim(), false);
            this.state = State.Start;
            if (c !== this.sep) {
              i = this.newline(text, i, c);
              this.endRecord();
            }
            segStart = i + 1;
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.acc = this.take(text, segStart, i);
            this.state = State.QuoteInQuoted;
          } else if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
            this.line++;
            if (c === CR && i + 1 === n) this.quotedCR = true;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            // "" is one literal quote: keep it and go on inside the quotes.
            this.acc += '"';
            this.state = State.Quoted;
            segStart = i + 1;
          } else {
            // The quote closed the field: read this character again after it.
            this.state = State.Closed;
            i--;
          }
          break;
        case State.Closed:
          if (c === this.sep || c === LF || c === CR) {
            this.emit(this.acc, true);
            this.state = State.Start;
            if (c !== this.sep) {
              i = this.newline(text, i, c);
              this.endRecord();
            }
            segStart = i + 1;
          } else if (c !== 32 && c !== 9) {
            throw new ValueError(
              `parseCsv: line ${this.line}, column ${this.fieldsInRecord + 1}: unexpected character ${JSON.stringify(String.fromCharCode(c))} after a closing quote`,
            );
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.acc = this.take(text, segStart, n);
  }

  /** Ends the input: the last record need not end with a line break. */
  end(): void {
    switch (this.state) {
      case State.Quoted:
        throw new ValueError(`parseCsv: line ${this.fieldLine}, column ${this.fieldsInRecord + 1}: unterminated quoted field`);
      case State.QuoteInQuoted:
      case State.Closed:
        this.emit(this.acc, true);
        this.endRecord();
        break;
      case State.Unquoted:
        this.emit(this.acc.trim(), false);
        this.endRecord();
        break;
      case State.Start:
        if (this.fieldsInRecord > 0) {
          this.emit("", false);
          this.endRecord();
        }
    }
    this.state = State.Start;
  }

  /** The field so far: earlier chunks' part and text[from, to), checked against the length cap. */
  private take(text: string, from: number, to: number): string {
    if (this.acc.length + (to - from) > MAX_CSV_FIELD) {
      throw new ValueError(
        `parseCsv: line ${this.fieldLine}, column ${this.fieldsInRecord + 1}: a field longer than ${MAX_CSV_FIELD} characters (is this a CSV file?)`,
      );
    }
    return this.acc + text.slice(from, to);
  }

  private emit(text: string, quoted: boolean): void {
    if (this.fieldsInRecord === 0) this.recordLine = this.fieldLine;
    this.sink.field(text, quoted, this.fieldLine);
    this.fieldsInRecord++;
    this.acc = "";
    this.fieldLine = this.line;
  }

  private endRecord(): void {
    this.sink.endRecord(this.recordLine);
    this.fieldsInRecord = 0;
    this.fieldLine = this.line;
  }

  /** Steps over a line break at i ("\r\n" counts once); returns the index of its last character. */
  private newline(text: string, i: number, c: number): number {
    this.line++;
    if (c === CR) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 1 : i;
      this.pendingCR = true;
    }
    return i;
  }
}
