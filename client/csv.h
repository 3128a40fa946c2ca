/* CSV for spreadsheets (RFC 4180): vouchctl's --csv output.
 *
 * Records end with CRLF, as RFC 4180 says and as Excel and Python's csv
 * module write. A field is quoted only when it must be (it holds a comma,
 * a double quote, CR or LF); a quote inside is doubled. Amounts are plain
 * yuan ("-1234.56": two decimals, no thousands separator), so that a
 * spreadsheet reads them as numbers in any locale that uses '.'. No
 * global state; the caller's FILE is only written. */
#ifndef VD_CSV_H
#define VD_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CSV_EOL "\r\n"

/* Write n bytes of v as one field, after a comma unless first. */
void csv_field(FILE *f, int first, const char *v, size_t n);

/* The same for text that others chose (ids, refs, record ids): a value
 * starting with '=', '+', '-' or '@' gets a leading "'" so that a
 * spreadsheet shows it instead of evaluating it as a formula. */
void csv_text(FILE *f, int first, const char *v, size_t n);

/* fen as plain yuan, e.g. -1 -> "-0.01", 123456789 -> "1234567.89", in
 * buf (at least CSV_YUAN_MAX bytes). The length, or VD_ELIMIT. */
#define CSV_YUAN_MAX 24 /* "-92233720368547758.08" and NUL */
int csv_yuan(int64_t fen, char *buf, size_t size);

#endif
