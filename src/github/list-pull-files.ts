import { gitHubError, type GitHub } from './client.js';
import { unexpectedAnswer } from './unexpected-answer.js';

/** GitHub's largest page. */
export const FILES_PER_PAGE = 100;

/** A file a pull request changes, as GitHub lists it. */
export interface ChangedFile {
  /** Its path in the pull request's head. */
  path: string;
  /** `added`, `removed`, `modified`, `renamed`, `copied`, `changed` or `unchanged`. */
  status: string;
  /** A renamed file's path before. */
  previousPath?: string;
}

export interface FilesPage {
  files: ChangedFile[];
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
  const listed: unknown = response.data;
  if (!Array.isArray(listed)) throw unexpectedAnswer(request, 'is not a list of files');
  const files = listed.map(
    (file: { filename?: unknown; status?: unknown; previous_filename?: unknown } | null) => {
      if (typeof file?.filename !== 'string' || file.filename === '')
        throw unexpectedAnswer(request, 'lists a file with no filename');
      return {
        path: file.filename,
        status: typeof file.status === 'string' ? file.status : 'modified',
        ...(typeof file.previous_filename === 'string' && { previousPath: file.previous_filename })
      };
    }
  );
  return { files, more: /\brel="next"/.test(response.headers.link ?? '') };
}
