// Operations and fixtures shared by the medallion suites.
import { graphql } from "../gql/index.js";
import type { CreateMedallionInput } from "../gql/graphql.js";

export const MedallionFields = graphql(`
  fragment MedallionFields on Medallion {
    id
    medallionId
    meta { medallionId schemaVersion model createdAt updatedAt knowledgeMinTs knowledgeMaxTs status }
    scope { graphNodes tags }
    summary { highLevel subsystems { name status notes } }
    decisions { decisionId statement rationale confidence }
    openQuestions { questionId question blockedOn priority }
    affordances { recommendedEntryPoints avoidRepeating invariants }
    supersededBy { medallionId }
  }
`);

export const CreateMedallion = graphql(`
  mutation CreateMedallion($input: CreateMedallionInput!) {
    createMedallion(input: $input) {
      __typename
      ... on CreateMedallionPayload { medallion { ...MedallionFields document } }
      ... on Error { message }
      ... on AlreadyExistsError { field value }
      ... on InvalidInputError { field }
    }
  }
`);

export const UpdateMedallion = graphql(`
  mutation UpdateMedallion($medallionId: String!, $input: MedallionContentInput!) {
    updateMedallion(medallionId: $medallionId, input: $input) {
      __typename
      ... on UpdateMedallionPayload { medallion { ...MedallionFields } }
      ... on Error { message }
      ... on AlreadyExistsError { field value }
      ... on NotFoundError { entity key }
    }
  }
`);

export const SetMedallionStatus = graphql(`
  mutation SetMedallionStatus($medallionId: String!, $status: MedallionStatus!, $supersededBy: String) {
    setMedallionStatus(medallionId: $medallionId, status: $status, supersededBy: $supersededBy) {
      __typename
      ... on SetMedallionStatusPayload { medallion { medallionId meta { status updatedAt createdAt } supersededBy { medallionId } } }
      ... on Error { message }
      ... on AlreadyExistsError { field value }
      ... on NotFoundError { entity key }
      ... on InvalidInputError { field }
    }
  }
`);

export const CheckpointSession = graphql(`
  mutation CheckpointSession($input: CheckpointSessionInput!) {
    checkpointSession(input: $input) {
      __typename
      ... on CheckpointSessionPayload { created medallion { ...MedallionFields } }
      ... on Error { message }
      ... on InvalidInputError { field }
    }
  }
`);

export const Medallions = graphql(`
  query Medallions($scope: MedallionScopeInput, $status: [MedallionStatus!], $first: Int, $after: String) {
    medallions(scope: $scope, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { medallionId meta { status updatedAt } scope { graphNodes tags } } }
    }
  }
`);

export const MedallionsDeep = graphql(`
  query MedallionsDeep($scope: MedallionScopeInput, $first: Int) {
    medallions(scope: $scope, first: $first) {
      edges { node { ...MedallionFields } }
    }
  }
`);

export const MedallionById = graphql(`
  query MedallionById($medallionId: String!) {
    medallion(medallionId: $medallionId) { ...MedallionFields document }
  }
`);

export const NodeById = graphql(`
  query MedallionNode($id: ID!) {
    node(id: $id) { __typename ... on Medallion { medallionId summary { highLevel } } }
  }
`);

let counter = 0;
/** A valid document for createMedallion; override any part. */
export function medallionInput(overrides: Partial<CreateMedallionInput> = {}): CreateMedallionInput {
  counter += 1;
  return {
    model: "test-model",
    scope: { graphNodes: [`src/module-${counter}`], tags: ["test"] },
    summary: { highLevel: `Medallion ${counter}` },
    knowledgeMinTs: "2026-11-01T10:00:00.000Z",
    knowledgeMaxTs: "2026-11-01T12:00:00.000Z",
    ...overrides,
  };
}
