/* kscity.ingest._keyscan: the byte scan of validate.clean_canonical in one pass, in C.
 *
 * clean_canonical reads a release's canonical JSON for the keys kscity checks: "amount" (a number or null),
 * "currency" (an ISO 4217 code or null) and keys ending in Date/date (ISO 8601 text). In Python that was three
 * bytes.find scans of the whole text, 12 % of the reading process's time on 1 GiB of releases. Here one pass
 * visits each '"' (memchr) and tests the three keys at it, each with the cursor its Python loop would have:
 * the same occurrences, the same verdicts (tests/ingest/test_keyscan.py compares them). The dates' own check
 * (is_iso_datetime) stays in Python: this returns their texts.
 *
 * scan(data: bytes, codes: frozenset[bytes]) -> list[bytes] | None
 *   None: an amount or a currency is not what clean_canonical accepts (or a date's text has no end);
 *   else the raw texts (JSON escapes kept) of the values of the keys ending in Date/date, in order.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static const char AMOUNT[] = "\"amount\":";     /* 9 bytes */
static const char CURRENCY[] = "\"currency\":"; /* 11 bytes */

/* The end (index of the closing quote) of the JSON string text starting at `start`, escapes skipped; -1 if none:
 * validate._ESCAPED_TEXT, ((?:[^"\\]|\\.)*)", with DOTALL. */
static Py_ssize_t text_end(const char *s, Py_ssize_t n, Py_ssize_t start) {
    Py_ssize_t i = start;
    while (i < n) {
        char c = s[i];
        if (c == '"')
            return i;
        if (c == '\\') {
            if (i + 1 >= n)
                return -1;
            i += 2;
        } else {
            i += 1;
        }
    }
    return -1;
}

/* The first plain '"' at or after `start` (bytes.find(b'"', start)), -1 if none. */
static Py_ssize_t quote_from(const char *s, Py_ssize_t n, Py_ssize_t start) {
    if (start >= n)
        return -1;
    const char *q = memchr(s + start, '"', (size_t)(n - start));
    return q ? (Py_ssize_t)(q - s) : -1;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer buf;
    PyObject *codes;
    if (!PyArg_ParseTuple(args, "y*O", &buf, &codes))
        return NULL;
    const char *s = (const char *)buf.buf;
    Py_ssize_t n = buf.len;
    PyObject *dates = PyList_New(0);
    if (dates == NULL) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    /* where each key's search may next find it, as clean_canonical's loops resume */
    Py_ssize_t next_amount = 0, next_currency = 0, next_date = 0;
    Py_ssize_t p = 0;
    for (;; p++) {
        const char *q = p < n ? memchr(s + p, '"', (size_t)(n - p)) : NULL;
        if (q == NULL)
            break;
        p = q - s;
        char next = p + 1 < n ? s[p + 1] : 0; /* most quotes are followed by none of 'a', 'c' or ':' */
        /* "amount": then the value's first byte must not be a quote, t(rue) or f(alse) */
        if (next == 'a' && p >= next_amount && n - p >= 9 && memcmp(s + p, AMOUNT, 9) == 0) {
            Py_ssize_t at = p + 9;
            if (at >= n || s[at] == '"' || s[at] == 't' || s[at] == 'f')
                goto unclean;
            next_amount = at;
        }
        /* "currency": then a code of the list, or null */
        if (next == 'c' && p >= next_currency && n - p >= 11 && memcmp(s + p, CURRENCY, 11) == 0) {
            Py_ssize_t at = p + 11;
            if (at < n && s[at] == '"') {
                Py_ssize_t end = quote_from(s, n, at + 1);
                if (end < 0)
                    goto unclean;
                PyObject *code = PyBytes_FromStringAndSize(s + at + 1, end - at - 1);
                if (code == NULL)
                    goto error;
                int known = PySet_Contains(codes, code);
                Py_DECREF(code);
                if (known < 0)
                    goto error;
                if (!known)
                    goto unclean;
                next_currency = end + 1;
            } else if (n - at >= 4 && memcmp(s + at, "null", 4) == 0) {
                next_currency = at;
            } else {
                goto unclean;
            }
        }
        /* ate":" at p - 3, after D or d: the value of a key ending in Date/date */
        if (next == ':' && p >= 3 && p - 3 >= next_date && n - p >= 3 && s[p + 2] == '"' && s[p - 3] == 'a' &&
            s[p - 2] == 't' && s[p - 1] == 'e') {
            Py_ssize_t at = p - 3;
            if (at == 0 || (s[at - 1] != 'D' && s[at - 1] != 'd')) {
                next_date = at + 1;
            } else {
                Py_ssize_t start = at + 6;
                Py_ssize_t end = text_end(s, n, start);
                if (end < 0)
                    goto unclean;
                PyObject *raw = PyBytes_FromStringAndSize(s + start, end - start);
                if (raw == NULL)
                    goto error;
                int failed = PyList_Append(dates, raw);
                Py_DECREF(raw);
                if (failed)
                    goto error;
                next_date = end + 1;
            }
        }
    }
    PyBuffer_Release(&buf);
    return dates;
unclean:
    PyBuffer_Release(&buf);
    Py_DECREF(dates);
    Py_RETURN_NONE;
error:
    PyBuffer_Release(&buf);
    Py_DECREF(dates);
    return NULL;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(data, codes) -> list[bytes] | None: the amount, currency and date keys of canonical JSON in one pass"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "kscity.ingest._keyscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__keyscan(void) { return PyModule_Create(&module); }
