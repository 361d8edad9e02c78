//! The GraphQL schema itself: its exact shape (the contract the widgets are
//! written against) and introspection despite the depth limit.

use serde_json::{json, Value};

use crate::common::*;
use crate::graphql::{gql, query, GQL_RESPONSE};

#[tokio::test]
async fn full_introspection_works_despite_the_depth_limit() {
    let server = TestServer::start().await;
    // The query GraphiQL sends (ofType nested 9 deep).
    let introspection = r#"query IntrospectionQuery {
      __schema {
        queryType { name } mutationType { name } subscriptionType { name }
        types { ...FullType }
        directives { name description locations args { ...InputValue } }
      }
    }
    fragment FullType on __Type {
      kind name description
      fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
      inputFields { ...InputValue }
      interfaces { ...TypeRef }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { ...TypeRef }
    }
    fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
    fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
      kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } }"#;
    let data = query(&server, introspection).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    assert_eq!(data["__schema"]["subscriptionType"]["name"], "Subscription");
    let post = data["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Post")
        .unwrap();
    let fields: Vec<&str> = post["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["id", "title", "body", "tags", "createdAt", "author"]
    );

    // Mixing data into an introspection query gets no exemption.
    let fragments = &introspection[introspection.find("fragment FullType").unwrap()..];
    let mixed =
        format!("query {{ posts {{ total }} __schema {{ types {{ ...FullType }} }} }} {fragments}");
    let (status, _, body) = gql(&server, Some(GQL_RESPONSE), &mixed, json!({})).await;
    assert_eq!(
        (status, body["errors"][0]["message"].as_str()),
        (400, Some("Query is nested too deep."))
    );
}

/// Renders a type reference the way SDL writes it: `[Post!]!`.
fn sdl_type(t: &Value) -> String {
    match t["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", sdl_type(&t["ofType"])),
        "LIST" => format!("[{}]", sdl_type(&t["ofType"])),
        _ => t["name"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn the_schema_matches_the_documented_contract() {
    let server = TestServer::start().await;
    let type_ref = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
    let q = format!(
        "{{ __schema {{ types {{ name kind fields {{ name args {{ name defaultValue type {{ {type_ref} }} }} type {{ {type_ref} }} }} }} }} }}"
    );
    let data = query(&server, &q).await;
    let mut sdl = Vec::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if t["kind"] != "OBJECT" || name.starts_with("__") {
            continue;
        }
        for f in t["fields"].as_array().unwrap() {
            let args: Vec<String> = f["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| match a["defaultValue"].as_str() {
                    Some(d) => format!(
                        "{}: {} = {d}",
                        a["name"].as_str().unwrap(),
                        sdl_type(&a["type"])
                    ),
                    None => format!("{}: {}", a["name"].as_str().unwrap(), sdl_type(&a["type"])),
                })
                .collect();
            let args = if args.is_empty() {
                String::new()
            } else {
                format!("({})", args.join(", "))
            };
            sdl.push(format!(
                "{name}.{}{args}: {}",
                f["name"].as_str().unwrap(),
                sdl_type(&f["type"])
            ));
        }
    }
    sdl.sort();
    assert_eq!(
        sdl,
        [
            "Author.name: String!",
            "Author.postCount: Int!",
            "Author.posts(limit: Int = 10): [Post!]!",
            "Mutation.addPost(author: String!, title: String!, body: String!, tags: [String!]): Post!",
            "Post.author: Author!",
            "Post.body: String!",
            "Post.createdAt: String!",
            "Post.id: ID!",
            "Post.tags: [String!]!",
            "Post.title: String!",
            "PostPage.items: [Post!]!",
            "PostPage.total: Int!",
            "Query.authors: [Author!]!",
            "Query.post(id: ID!): Post",
            "Query.posts(limit: Int = 10, offset: Int = 0, q: String): PostPage!",
            "Query.tags: [Tag!]!",
            "Subscription.postAdded: Post!",
            "Tag.name: String!",
            "Tag.posts: [Post!]!",
        ]
    );
    // An explicit null limit means the default.
    let data = query(&server, "{ posts(limit: null) { items { id } } }").await;
    assert_eq!(data["posts"]["items"].as_array().unwrap().len(), 8);
}
