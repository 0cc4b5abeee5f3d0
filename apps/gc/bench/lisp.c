/*
 * lisp - a small Scheme-like interpreter linked against the collector: a
 * reader, symbols with global values, closures over association-list
 * frames, tail calls, boxed integers (every arithmetic result is a new
 * object) and mutable pairs. `lisp FILE` reads and runs FILE; the sum of
 * the numbers it displays is the check. The malloc row does not apply
 * (nothing here knows when an object dies).
 *
 * Special forms: quote if define set! lambda begin let cond and or.
 * Primitives: + - * quotient remainder < > = <= >= eq? not cons car cdr
 * set-car! set-cdr! null? pair? list length display.
 */
#include <ctype.h>

#include "bm.h"

enum type { INT, PAIR, SYM, PRIM, CLOSURE, CONST };

struct obj;
typedef struct obj *(*prim_fn)(struct obj *args);

struct obj {
	enum type type;
	union {
		long num;
		struct {
			struct obj *car, *cdr;
		};
		struct {
			const char *name;
			struct obj *value, *next; /* global value, symbol table chain */
		};
		struct {
			prim_fn fn;
			const char *pname;
		};
		struct {
			struct obj *params, *body, *env;
		};
	};
};

#define NSYMTAB 1024
static struct obj *nil, *t_true, *t_false, *unbound;
static struct obj **symtab; /* roots, as the globals above */
static struct obj *s_quote, *s_if, *s_define, *s_set, *s_lambda, *s_begin, *s_let, *s_cond,
	*s_else, *s_and, *s_or;
static long displayed_sum;

static void die(const char *what, struct obj *x);

static struct obj *new_obj(enum type t)
{
	struct obj *o = bm_alloc(sizeof(*o));
	o->type = t;
	return o;
}

static struct obj *mk_int(long n)
{
	struct obj *o = new_obj(INT);
	o->num = n;
	return o;
}

static struct obj *cons(struct obj *a, struct obj *d)
{
	struct obj *o = new_obj(PAIR);
	o->car = a;
	o->cdr = d;
	return o;
}

static struct obj *intern(const char *s, size_t len)
{
	size_t h = 5381;
	struct obj *o;
	char *name;
	for (size_t i = 0; i < len; i++)
		h = h * 33 + (unsigned char)s[i];
	for (o = symtab[h % NSYMTAB]; o; o = o->next)
		if (strlen(o->name) == len && !memcmp(o->name, s, len))
			return o;
	name = bm_alloc_atomic(len + 1);
	memcpy(name, s, len);
	name[len] = 0;
	o = new_obj(SYM);
	o->name = name;
	o->value = unbound;
	o->next = symtab[h % NSYMTAB];
	symtab[h % NSYMTAB] = o;
	return o;
}

/* ---- reader ---- */

static const char *src;

static void skip_space(void)
{
	for (;;) {
		while (isspace((unsigned char)*src))
			src++;
		if (*src != ';')
			return;
		while (*src && *src != '\n')
			src++;
	}
}

static struct obj *read_expr(void);

static struct obj *read_list(void)
{
	struct obj *head = nil, *tail = NULL;
	for (;;) {
		struct obj *cell;
		skip_space();
		if (!*src)
			die("unterminated list", nil);
		if (*src == ')') {
			src++;
			return head;
		}
		cell = cons(read_expr(), nil);
		if (tail)
			tail->cdr = cell;
		else
			head = cell;
		tail = cell;
	}
}

static struct obj *read_expr(void)
{
	const char *start;
	skip_space();
	if (*src == '(') {
		src++;
		return read_list();
	}
	if (*src == '\'') {
		src++;
		return cons(s_quote, cons(read_expr(), nil));
	}
	if (*src == '#' && (src[1] == 't' || src[1] == 'f')) {
		src += 2;
		return src[-1] == 't' ? t_true : t_false;
	}
	start = src;
	while (*src && !isspace((unsigned char)*src) && *src != '(' && *src != ')')
		src++;
	if (src == start)
		die("unexpected character", nil);
	if (isdigit((unsigned char)*start) || (*start == '-' && src - start > 1 && isdigit((unsigned char)start[1])))
		return mk_int(strtol(start, NULL, 10));
	return intern(start, (size_t)(src - start));
}

/* ---- evaluation ---- */

static struct obj *lookup(struct obj *sym, struct obj *env)
{
	for (; env != nil; env = env->cdr)
		for (struct obj *b = env->car; b != nil; b = b->cdr)
			if (b->car->car == sym)
				return b->car;
	return NULL;
}

static struct obj *eval(struct obj *x, struct obj *env);

static struct obj *eval_list(struct obj *xs, struct obj *env)
{
	struct obj *head = nil, *tail = NULL;
	for (; xs != nil; xs = xs->cdr) {
		struct obj *cell = cons(eval(xs->car, env), nil);
		if (tail)
			tail->cdr = cell;
		else
			head = cell;
		tail = cell;
	}
	return head;
}

static struct obj *bind(struct obj *params, struct obj *args)
{
	struct obj *frame = nil;
	for (; params != nil; params = params->cdr, args = args->cdr) {
		if (args == nil)
			die("too few arguments", params);
		frame = cons(cons(params->car, args->car), frame);
	}
	return frame;
}

static struct obj *eval(struct obj *x, struct obj *env)
{
	for (;;) {
		struct obj *op, *f, *args, *b;
		if (x->type == SYM) {
			if ((b = lookup(x, env)))
				return b->cdr;
			if (x->value == unbound)
				die("unbound symbol", x);
			return x->value;
		}
		if (x->type != PAIR)
			return x;
		op = x->car;
		if (op == s_quote)
			return x->cdr->car;
		if (op == s_if) {
			x = eval(x->cdr->car, env) != t_false ? x->cdr->cdr->car
			    : x->cdr->cdr->cdr != nil      ? x->cdr->cdr->cdr->car
							   : t_false;
			continue;
		}
		if (op == s_define) {
			struct obj *target = x->cdr->car;
			if (target->type == PAIR) /* (define (f . params) body...) */
				target->car->value = eval(cons(s_lambda, cons(target->cdr, x->cdr->cdr)), env);
			else
				target->value = eval(x->cdr->cdr->car, env);
			return nil;
		}
		if (op == s_set) {
			struct obj *v = eval(x->cdr->cdr->car, env);
			if ((b = lookup(x->cdr->car, env)))
				b->cdr = v;
			else
				x->cdr->car->value = v;
			return nil;
		}
		if (op == s_lambda) {
			f = new_obj(CLOSURE);
			f->params = x->cdr->car;
			f->body = x->cdr->cdr;
			f->env = env;
			return f;
		}
		if (op == s_begin) {
			for (x = x->cdr; x->cdr != nil; x = x->cdr)
				eval(x->car, env);
			x = x->car;
			continue;
		}
		if (op == s_let) {
			struct obj *frame = nil;
			for (b = x->cdr->car; b != nil; b = b->cdr)
				frame = cons(cons(b->car->car, eval(b->car->cdr->car, env)), frame);
			env = cons(frame, env);
			x = cons(s_begin, x->cdr->cdr);
			continue;
		}
		if (op == s_cond) {
			for (b = x->cdr; b != nil; b = b->cdr)
				if (b->car->car == s_else || eval(b->car->car, env) != t_false)
					break;
			if (b == nil)
				return t_false;
			x = cons(s_begin, b->car->cdr);
			continue;
		}
		if (op == s_and || op == s_or) {
			struct obj *v = op == s_and ? t_true : t_false;
			for (b = x->cdr; b != nil; b = b->cdr) {
				v = eval(b->car, env);
				if ((v == t_false) == (op == s_and))
					break;
			}
			return v;
		}
		f = eval(op, env);
		args = eval_list(x->cdr, env);
		if (f->type == PRIM)
			return f->fn(args);
		if (f->type != CLOSURE)
			die("not a procedure", op);
		env = cons(bind(f->params, args), f->env);
		x = cons(s_begin, f->body);
	}
}

/* ---- primitives ---- */

static long num(struct obj *x)
{
	if (x->type != INT)
		die("not a number", x);
	return x->num;
}

static struct obj *truth(int b)
{
	return b ? t_true : t_false;
}

static struct obj *p_add(struct obj *a) { long s = 0; for (; a != nil; a = a->cdr) s += num(a->car); return mk_int(s); }
static struct obj *p_mul(struct obj *a) { long s = 1; for (; a != nil; a = a->cdr) s *= num(a->car); return mk_int(s); }
static struct obj *p_sub(struct obj *a)
{
	long s = num(a->car);
	if (a->cdr == nil)
		return mk_int(-s);
	for (a = a->cdr; a != nil; a = a->cdr)
		s -= num(a->car);
	return mk_int(s);
}
static struct obj *p_quot(struct obj *a) { return mk_int(num(a->car) / num(a->cdr->car)); }
static struct obj *p_rem(struct obj *a) { return mk_int(num(a->car) % num(a->cdr->car)); }
static struct obj *p_lt(struct obj *a) { return truth(num(a->car) < num(a->cdr->car)); }
static struct obj *p_gt(struct obj *a) { return truth(num(a->car) > num(a->cdr->car)); }
static struct obj *p_le(struct obj *a) { return truth(num(a->car) <= num(a->cdr->car)); }
static struct obj *p_ge(struct obj *a) { return truth(num(a->car) >= num(a->cdr->car)); }
static struct obj *p_numeq(struct obj *a) { return truth(num(a->car) == num(a->cdr->car)); }
static struct obj *p_eq(struct obj *a)
{
	struct obj *x = a->car, *y = a->cdr->car;
	return truth(x == y || (x->type == INT && y->type == INT && x->num == y->num));
}
static struct obj *p_not(struct obj *a) { return truth(a->car == t_false); }
static struct obj *p_cons(struct obj *a) { return cons(a->car, a->cdr->car); }
static struct obj *p_car(struct obj *a) { if (a->car->type != PAIR) die("car of", a->car); return a->car->car; }
static struct obj *p_cdr(struct obj *a) { if (a->car->type != PAIR) die("cdr of", a->car); return a->car->cdr; }
static struct obj *p_setcar(struct obj *a) { a->car->car = a->cdr->car; return nil; }
static struct obj *p_setcdr(struct obj *a) { a->car->cdr = a->cdr->car; return nil; }
static struct obj *p_null(struct obj *a) { return truth(a->car == nil); }
static struct obj *p_pair(struct obj *a) { return truth(a->car->type == PAIR); }
static struct obj *p_list(struct obj *a) { return a; }
static struct obj *p_length(struct obj *a)
{
	long n = 0;
	for (struct obj *l = a->car; l != nil; l = l->cdr)
		n++;
	return mk_int(n);
}
static struct obj *p_display(struct obj *a)
{
	if (a->car->type == INT) {
		printf("%ld ", a->car->num);
		displayed_sum += a->car->num;
	}
	return nil;
}

static void def_prim(const char *name, prim_fn fn)
{
	struct obj *p = new_obj(PRIM);
	p->fn = fn;
	p->pname = name;
	intern(name, strlen(name))->value = p;
}

static void die(const char *what, struct obj *x)
{
	fprintf(stderr, "lisp: %s%s%s\n", what, x && x->type == SYM ? " " : "",
		x && x->type == SYM ? x->name : "");
	exit(1);
}

int main(int argc, char **argv)
{
	FILE *f;
	char *text;
	long size;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: lisp FILE\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "lisp: cannot open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if ((r = bm_init()))
		return r;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = bm_alloc_atomic((size_t)size + 1); /* I/O goes into atomic memory */
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "lisp: cannot read %s\n", argv[1]);
		return 2;
	}
	text[size] = 0;
	fclose(f);

	symtab = bm_alloc(NSYMTAB * sizeof(*symtab));
	nil = new_obj(CONST);
	t_true = new_obj(CONST);
	t_false = new_obj(CONST);
	unbound = new_obj(CONST);
	s_quote = intern("quote", 5);
	s_if = intern("if", 2);
	s_define = intern("define", 6);
	s_set = intern("set!", 4);
	s_lambda = intern("lambda", 6);
	s_begin = intern("begin", 5);
	s_let = intern("let", 3);
	s_cond = intern("cond", 4);
	s_else = intern("else", 4);
	s_and = intern("and", 3);
	s_or = intern("or", 2);
	def_prim("+", p_add);
	def_prim("-", p_sub);
	def_prim("*", p_mul);
	def_prim("quotient", p_quot);
	def_prim("remainder", p_rem);
	def_prim("<", p_lt);
	def_prim(">", p_gt);
	def_prim("<=", p_le);
	def_prim(">=", p_ge);
	def_prim("=", p_numeq);
	def_prim("eq?", p_eq);
	def_prim("not", p_not);
	def_prim("cons", p_cons);
	def_prim("car", p_car);
	def_prim("cdr", p_cdr);
	def_prim("set-car!", p_setcar);
	def_prim("set-cdr!", p_setcdr);
	def_prim("null?", p_null);
	def_prim("pair?", p_pair);
	def_prim("list", p_list);
	def_prim("length", p_length);
	def_prim("display", p_display);

	for (src = text, skip_space(); *src; skip_space())
		eval(read_expr(), nil);
	printf("\n");
	bm_report("lisp", displayed_sum);
	return 0;
}
