import { gitHubError, type GitHub } from './client.js';
import { unexpectedAnswer } from './unexpected-answer.js';

/** GitHub's largest page. */
export const FILES_PER_PAGE = 100;

export interface FilesPage {
  /** Every path the page touches; a renamed file counts under its old and new path. */
  paths: string[];
  /** Whether GitHub links a next page. */
  more: boolean;
}

/** One page of GET /repos/{owner}/{repo}/pulls/{n}/files. */
export async function listPullFilesPage(
  github: GitHub,
  number: number,
  page: number
): Promise<FilesPage> {
  const { owner, repo } = github;
  let response;
  try {
    response = await github.octokit.rest.pulls.listFiles({
      owner,
      repo,
      pull_number: number,
      per_page: FILES_PER_PAGE,
      ...(page > 1 ? { page } : {})
    });
  } catch (error) {
    throw gitHubError(error, `listing the files of pull request #${number}`, 'pull-requests: read');
  }
  const request = `GET /repos/${owner}/${repo}/pulls/${number}/files${page > 1 ? ` (page ${page})` : ''}`;
  const files: unknown = response.data;
  if (!Array.isArray(files)) throw unexpectedAnswer(request, 'is not a list of files');
  const paths = files.flatMap(
    (file: { filename?: unknown; previous_filename?: unknown } | null) => {
      if (typeof file?.filename !== 'string' || file.filename === '')
        throw unexpectedAnswer(request, 'lists a file with no filename');
      return typeof file.previous_filename === 'string'
        ? [file.previous_filename, file.filename]
        : [file.filename];
    }
  );
  return { paths, more: /\brel="next"/.test(response.headers.link ?? '') };
}
