export { buildSchema, parse, validate, execute, subscribe, specifiedRules, GraphQLError, getOperationAST, NoSchemaIntrospectionCustomRule } from "graphql";
