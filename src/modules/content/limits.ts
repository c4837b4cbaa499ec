// Limits on what one artifact may hold (SKILLGRAPH_CONTENT_MAX_*), checked while a tree is read.
export interface ContentLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTreeBytes: number;
}
