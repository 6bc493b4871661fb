//! Rewrites expressions once, after parsing, so that hcl-rs's evaluator propagates
//! unknown values: operators become calls of functions that return an unknown marker
//! for unknown operands, and a conditional whose condition is unknown gives unknown
//! instead of an error (the branch not taken is still never evaluated).

use hcl::expr::{
    BinaryOperator, Conditional, Expression, ForExpr, FuncCall, ObjectKey, Operation, TemplateExpr,
    Traversal, TraversalOperator, UnaryOperator,
};
use hcl::template::{Directive, Element, Template};

fn call(name: &str, args: Vec<Expression>) -> Expression {
    let mut b = FuncCall::builder(name);
    for a in args {
        b = b.arg(a);
    }
    Expression::FuncCall(Box::new(b.build()))
}

/// The rewritten expression (see the module documentation).
pub fn prepare(expr: Expression) -> Expression {
    match expr {
        Expression::Array(items) => Expression::Array(items.into_iter().map(prepare).collect()),
        Expression::Object(obj) => Expression::Object(
            obj.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        ObjectKey::Expression(e) => ObjectKey::Expression(prepare(e)),
                        other => other,
                    };
                    (k, prepare(v))
                })
                .collect(),
        ),
        Expression::TemplateExpr(t) => Expression::TemplateExpr(Box::new(prepare_template(*t))),
        Expression::Traversal(t) => {
            let Traversal { expr, operators } = *t;
            let operators = operators
                .into_iter()
                .map(|op| match op {
                    TraversalOperator::Index(e) => TraversalOperator::Index(prepare(e)),
                    other => other,
                })
                .collect::<Vec<_>>();
            Expression::Traversal(Box::new(Traversal::new(prepare(expr), operators)))
        }
        Expression::FuncCall(f) => {
            let mut f = *f;
            f.args = f.args.into_iter().map(prepare).collect();
            Expression::FuncCall(Box::new(f))
        }
        Expression::Parenthesis(e) => Expression::Parenthesis(Box::new(prepare(*e))),
        Expression::Conditional(c) => {
            let Conditional {
                cond_expr,
                true_expr,
                false_expr,
            } = *c;
            let cond = prepare(cond_expr);
            let inner = Conditional::new(
                call("__is_false", vec![cond.clone()]),
                prepare(false_expr),
                call("__unknown_of", vec![cond.clone()]),
            );
            Expression::Conditional(Box::new(Conditional::new(
                call("__is_true", vec![cond]),
                prepare(true_expr),
                Expression::Parenthesis(Box::new(Expression::Conditional(Box::new(inner)))),
            )))
        }
        Expression::Operation(op) => match *op {
            Operation::Unary(u) => {
                let name = match u.operator {
                    UnaryOperator::Not => "__not",
                    UnaryOperator::Neg => "__neg",
                };
                call(name, vec![prepare(u.expr)])
            }
            Operation::Binary(b) => {
                let name = match b.operator {
                    BinaryOperator::Eq => "__eq",
                    BinaryOperator::NotEq => "__ne",
                    BinaryOperator::And => "__and",
                    BinaryOperator::Or => "__or",
                    BinaryOperator::Less => "__lt",
                    BinaryOperator::LessEq => "__le",
                    BinaryOperator::Greater => "__gt",
                    BinaryOperator::GreaterEq => "__ge",
                    BinaryOperator::Plus => "__add",
                    BinaryOperator::Minus => "__sub",
                    BinaryOperator::Mul => "__mul",
                    BinaryOperator::Div => "__div",
                    BinaryOperator::Mod => "__mod",
                };
                call(name, vec![prepare(b.lhs_expr), prepare(b.rhs_expr)])
            }
        },
        Expression::ForExpr(f) => {
            let mut f: ForExpr = *f;
            f.collection_expr = prepare(f.collection_expr);
            f.key_expr = f.key_expr.map(prepare);
            f.value_expr = prepare(f.value_expr);
            // A filter must stay a real bool: an unknown one makes the whole for unknown
            // (an error, caught by the loader), never a silently dropped element.
            f.cond_expr = f.cond_expr.map(prepare);
            Expression::ForExpr(Box::new(f))
        }
        other => other,
    }
}

/// True when the expression holds something [`prepare`] would change.
fn needs_prepare(expr: &Expression) -> bool {
    match expr {
        Expression::Conditional(_) | Expression::Operation(_) => true,
        Expression::Array(items) => items.iter().any(needs_prepare),
        Expression::Object(obj) => obj.iter().any(|(k, v)| {
            matches!(k, ObjectKey::Expression(e) if needs_prepare(e)) || needs_prepare(v)
        }),
        Expression::Traversal(t) => {
            needs_prepare(&t.expr)
                || t.operators
                    .iter()
                    .any(|op| matches!(op, TraversalOperator::Index(e) if needs_prepare(e)))
        }
        Expression::FuncCall(f) => f.args.iter().any(needs_prepare),
        Expression::Parenthesis(e) => needs_prepare(e),
        Expression::ForExpr(f) => {
            needs_prepare(&f.collection_expr)
                || f.key_expr.as_ref().is_some_and(needs_prepare)
                || needs_prepare(&f.value_expr)
                || f.cond_expr.as_ref().is_some_and(needs_prepare)
        }
        Expression::TemplateExpr(t) => Template::from_expr(t)
            .map(|t| template_needs(&t))
            .unwrap_or(false),
        _ => false,
    }
}

fn template_needs(t: &Template) -> bool {
    t.elements().iter().any(|e| match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => needs_prepare(&i.expr),
        Element::Directive(d) => match &**d {
            Directive::If(d) => {
                needs_prepare(&d.cond_expr)
                    || template_needs(&d.true_template)
                    || d.false_template.as_ref().is_some_and(template_needs)
            }
            Directive::For(d) => needs_prepare(&d.collection_expr) || template_needs(&d.template),
        },
    })
}

fn prepare_elements(t: &mut Template) {
    for e in t.elements_mut() {
        match e {
            Element::Literal(_) => {}
            Element::Interpolation(i) => {
                i.expr = prepare(std::mem::replace(&mut i.expr, Expression::Null));
            }
            Element::Directive(d) => match &mut **d {
                Directive::If(d) => {
                    d.cond_expr = prepare(std::mem::replace(&mut d.cond_expr, Expression::Null));
                    prepare_elements(&mut d.true_template);
                    if let Some(f) = &mut d.false_template {
                        prepare_elements(f);
                    }
                }
                Directive::For(d) => {
                    d.collection_expr =
                        prepare(std::mem::replace(&mut d.collection_expr, Expression::Null));
                    prepare_elements(&mut d.template);
                }
            },
        }
    }
}

/// Templates hold their expressions as text: rewrite them only when they have
/// operators or conditionals, and write the template back.
fn prepare_template(t: TemplateExpr) -> TemplateExpr {
    let Ok(mut template) = Template::from_expr(&t) else {
        return t;
    };
    // hcl-rs writes directives back with its own layout (indenting their bodies):
    // templates with directives are kept as written, with hcl-rs's own operators.
    let has_directives = template
        .elements()
        .iter()
        .any(|e| matches!(e, Element::Directive(_)));
    if has_directives || !template_needs(&template) {
        return t;
    }
    prepare_elements(&mut template);
    let text = template.to_string();
    match t {
        TemplateExpr::QuotedString(_) => TemplateExpr::QuotedString(text),
        TemplateExpr::Heredoc(mut h) => {
            h.template = text;
            TemplateExpr::Heredoc(h)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::{Context, Evaluate};
    use hcl::Value;

    fn eval(src: &str, unknown_var: bool) -> Value {
        let mut ctx = Context::new();
        super::super::funcs::declare_all(&mut ctx);
        ctx.declare_var(
            "u",
            if unknown_var {
                super::super::unknown::unknown()
            } else {
                Value::Bool(true)
            },
        );
        ctx.declare_var("n", 3);
        let expr: Expression = src.parse().unwrap();
        prepare(expr).evaluate(&ctx).unwrap()
    }

    #[test]
    fn operators_and_conditionals_propagate_unknowns() {
        assert_eq!(eval("n * 2 + 1 == 7 && !false", false), Value::Bool(true));
        assert_eq!(eval(r#"u ? "a" : "b""#, false), Value::from("a"));
        assert!(super::super::unknown::is_unknown(&eval(
            r#"u ? "a" : "b""#,
            true
        )));
        assert!(super::super::unknown::is_unknown(&eval("u == true", true)));
        // The branch not taken is not evaluated (it would fail).
        assert_eq!(eval(r#"n > 5 ? [][0] : "ok""#, false), Value::from("ok"));
        assert_eq!(
            eval(r#""x-${n > 1 ? "big" : "small"}-${n}""#, false),
            Value::from("x-big-3")
        );
        assert_eq!(eval(r#"-n"#, false), Value::from(-3));
    }

    #[test]
    fn templates_with_conditionals_keep_their_text() {
        assert_eq!(
            eval(r#""${n == 3 ? "a\"b" : "c"}-$${lit}""#, false),
            Value::from("a\"b-${lit}")
        );
        assert_eq!(
            eval(r#""%{ if n > 1 }on%{ else }off%{ endif }-${n * 2}""#, false),
            Value::from("on-6")
        );
        let heredoc = "<<-EOT\n  x=${n + 1}\n  y=${n > 1 ? \"big\" : \"small\"}\nEOT";
        assert_eq!(eval(heredoc, false), Value::from("x=4\ny=big\n"));
    }

    #[test]
    fn untouched_templates_stay_as_written() {
        let e: Expression = r#""a$${b}c""#.parse().unwrap();
        assert!(!needs_prepare(&e));
        assert_eq!(prepare(e.clone()), e);
    }
}
