//! Recognises documents that only introspect the schema, so they get a deeper
//! depth limit (the complexity limit and the response size limit still apply).
//!
//! The standard introspection query that GraphiQL, Altair and code
//! generators send nests `ofType` seven to nine levels deep, over our depth
//! limit of 8, yet its answer is bounded by the schema's size. What can blow
//! up in introspection is nesting *lists* (`types { fields { type { fields …`),
//! so that is what we bound instead.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};

/// Introspection fields that return lists. The standard query nests three
/// (`types → fields → args`); more only multiplies the answer.
const LIST_FIELDS: &[&str] = &[
    "types",
    "fields",
    "args",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "directives",
];
const MAX_LIST_NESTING: usize = 3;
/// Far deeper than any real introspection query (nine `ofType`s plus the
/// path to them); also stops fragment cycles, which validation rejects later.
/// The depth limit of the introspection schema.
pub const MAX_DEPTH: usize = 20;

/// True when the selected operation is a query whose root fields are all
/// `__schema`, `__type` or `__typename`, with bounded list nesting.
pub fn is_introspection_only(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let operation = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return false,
        },
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => match ops.values().next() {
            Some(op) => op,
            None => return false,
        },
        _ => return false,
    };
    if operation.node.ty != OperationType::Query {
        return false;
    }
    let selection = &operation.node.selection_set.node;
    roots_are_meta(doc, selection, 0)
        && list_nesting(doc, selection, 0).is_some_and(|n| n <= MAX_LIST_NESTING)
}

fn roots_are_meta(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => field.node.name.node.starts_with("__"),
        Selection::InlineFragment(inline) => {
            roots_are_meta(doc, &inline.node.selection_set.node, depth + 1)
        }
        Selection::FragmentSpread(spread) => doc
            .fragments
            .get(&spread.node.fragment_name.node)
            .is_some_and(|f| roots_are_meta(doc, &f.node.selection_set.node, depth + 1)),
    })
}

/// The most list fields on any path below `set`; `None` past [`MAX_DEPTH`]
/// or for an unknown fragment.
fn list_nesting(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut deepest = 0;
    for item in &set.items {
        let nested = match &item.node {
            Selection::Field(field) => {
                let inner = list_nesting(doc, &field.node.selection_set.node, depth + 1)?;
                inner + usize::from(LIST_FIELDS.contains(&field.node.name.node.as_str()))
            }
            Selection::InlineFragment(inline) => {
                list_nesting(doc, &inline.node.selection_set.node, depth + 1)?
            }
            Selection::FragmentSpread(spread) => {
                let fragment = doc.fragments.get(&spread.node.fragment_name.node)?;
                list_nesting(doc, &fragment.node.selection_set.node, depth + 1)?
            }
        };
        deepest = deepest.max(nested);
    }
    Some(deepest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn check(query: &str) -> bool {
        is_introspection_only(&parse_query(query).unwrap(), None)
    }

    #[test]
    fn the_standard_query_shape_is_accepted() {
        assert!(check(
            "query I { __schema { queryType { name } types { ...T } directives { name args { name } } } }
             fragment T on __Type { kind name fields { name args { name type { ...R } } type { ...R } }
               inputFields { name } interfaces { ...R } enumValues { name } possibleTypes { ...R } }
             fragment R on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
               ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"
        ));
        assert!(check(
            "{ __typename __type(name: \"Post\") { fields { name } } }"
        ));
    }

    #[test]
    fn data_fields_mutations_and_list_bombs_are_not() {
        assert!(!check("{ __typename posts { total } }"));
        assert!(!check("mutation { __typename }"));
        assert!(!check(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
        ));
        assert!(
            !check("{ ...A } fragment A on Query { ...A }"),
            "fragment cycles are refused"
        );
    }
}
