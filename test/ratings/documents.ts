// The operations the ratings tests send, as a client would.
import { graphql } from "../gql/index.js";

export const AddArtifactForRating = graphql(`
  mutation AddArtifactForRating($input: AddArtifactInput!) {
    addArtifact(input: $input) {
      __typename
      ... on AddArtifactPayload { artifact { id key } }
      ... on Error { message }
    }
  }
`);

export const RateArtifact = graphql(`
  mutation RateArtifact($input: RateArtifactInput!) {
    rateArtifact(input: $input) {
      __typename
      ... on RateArtifactPayload {
        rating { id rating feedback shareWithCommunity mine artifact { key } }
        scores {
          qualityScore trustScore trustTier confidence matchScore
          userRating { average count bayesian }
          communityScore maintenanceScore compatibilityScore
          components { name weight value isPrior }
          schemaVersion lastUpdated
        }
      }
      ... on Error { message }
      ... on RateLimitExceededError { retryAfterSeconds }
      ... on NotFoundError { entity key }
    }
  }
`);

export const UpdateRating = graphql(`
  mutation UpdateRating($input: UpdateRatingInput!) {
    updateRating(input: $input) {
      __typename
      ... on UpdateRatingPayload { rating { rating feedback shareWithCommunity } scores { userRating { average count } qualityScore } }
      ... on Error { message }
      ... on ForbiddenError { entity key }
    }
  }
`);

export const DeleteRating = graphql(`
  mutation DeleteRating($id: ID!) {
    deleteRating(id: $id) {
      __typename
      ... on DeleteRatingPayload { deletedRatingId scores { userRating { average count } qualityScore } }
      ... on Error { message }
      ... on ForbiddenError { entity key }
    }
  }
`);

export const ArtifactScoresQuery = graphql(`
  query ArtifactScores($key: String!) {
    artifact(key: $key) {
      key
      scores {
        qualityScore trustScore trustTier confidence matchScore
        userRating { average count bayesian }
        communityScore
        components { name weight value isPrior }
        schemaVersion lastUpdated
      }
      ratings(first: 10) { totalCount edges { node { id rating feedback mine } } }
    }
  }
`);

export const ImportCommunityScores = graphql(`
  mutation ImportCommunityScores($input: ImportCommunityScoresInput!) {
    importCommunityScores(input: $input) {
      __typename
      ... on ImportCommunityScoresPayload { imported artifactCount }
      ... on Error { message }
      ... on NotFoundError { entity key }
      ... on InvalidInputError { field }
    }
  }
`);

export const RecordMatch = graphql(`
  mutation RecordMatch($input: RecordMatchInput!) {
    recordMatch(input: $input) {
      __typename
      ... on RecordMatchPayload { match { id query confidence confirmed } }
      ... on Error { message }
    }
  }
`);

export const ConfirmMatch = graphql(`
  mutation ConfirmMatch($input: ConfirmMatchInput!) {
    confirmMatch(input: $input) {
      __typename
      ... on ConfirmMatchPayload { match { confirmed confirmedAt } scores { matchScore confidence trustScore qualityScore } }
      ... on Error { message }
    }
  }
`);

export const RatingsExport = graphql(`
  query RatingsExport($sharedOnly: Boolean, $first: Int, $after: String) {
    ratingsExport(sharedOnly: $sharedOnly, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { artifactKey rating feedback createdAt } }
    }
  }
`);

export const ArtifactsByQuality = graphql(`
  query ArtifactsByQuality($direction: OrderDirection, $first: Int, $after: String) {
    artifacts(orderBy: { field: QUALITY_SCORE, direction: $direction }, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { key scores { qualityScore } } }
    }
  }
`);

export const ArtifactsWithScores = graphql(`
  query ArtifactsWithScores($first: Int) {
    artifacts(first: $first) {
      edges { node { key scores { qualityScore trustScore confidence userRating { average count } communityScore lastUpdated } } }
    }
  }
`);

export const RecomputeScores = graphql(`
  mutation RecomputeScores {
    recomputeScores { id kind status createdBy }
  }
`);

export const ArtifactRatingsPage = graphql(`
  query ArtifactRatingsPage($key: String!, $first: Int, $after: String) {
    artifact(key: $key) {
      ratings(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id rating createdAt } }
      }
    }
  }
`);

export const RatingNode = graphql(`
  query RatingNode($id: ID!) {
    node(id: $id) { __typename ... on Rating { rating mine artifact { key } } }
  }
`);
